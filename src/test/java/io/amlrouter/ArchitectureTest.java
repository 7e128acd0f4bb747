package io.amlrouter;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

/**
 * The package rules of docs/architecture.md ("Packages"): every import points down the floors, and the
 * packages that must be leaves are. Run by ArchUnit's JUnit 5 engine on the main classes only.
 */
@AnalyzeClasses(packages = "io.amlrouter", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /**
     * The top-level packages ({@code io.amlrouter.X} with its subpackages), and the root package itself
     * ({@code Main}) as a slice of its own: ArchUnit's {@code io.amlrouter.(*)..} leaves the root out.
     */
    static final SliceAssignment FEATURES = new Under("io.amlrouter", "the top-level packages of io.amlrouter");

    /**
     * The rules language's packages ({@code io.amlrouter.rules.X} with its subpackages) and the root
     * {@code io.amlrouter.rules} as a slice of its own, so that a class at the root that imports a
     * subpackage which imports the root back is a cycle too.
     */
    static final SliceAssignment RULES_LANGUAGE = new Under("io.amlrouter.rules",
            "the packages of the rules language, io.amlrouter.rules itself included");

    @ArchTest
    static final ArchRule featuresFreeOfCycles = slices().assignedFrom(FEATURES).should().beFreeOfCycles()
            .because("every import points down the floors of docs/architecture.md: a package that imports "
                    + "one that imports it back cannot be understood, tested or moved alone");

    @ArchTest
    static final ArchRule rulesLanguageFreeOfCycles = slices().assignedFrom(RULES_LANGUAGE).should()
            .beFreeOfCycles()
            .because("the rules language is read bottom-up (diagnostics, filters, templates, action specs, "
                    + "then the rule and the loader), so none of its parts may import one that imports it");

    @ArchTest
    static final ArchRule eventsImportNothingOfOurs = noClasses().that().resideInAPackage("io.amlrouter.events..")
            .should().dependOnClassesThat(resideInAPackage("io.amlrouter..")
                    .and(resideOutsideOfPackage("io.amlrouter.events..")))
            .because("the event model and the wire decoder are the floor everything stands on (the HTTP "
                    + "edge, Event Hubs, the rules, the console): they must not pull any of those in");

    @ArchTest
    static final ArchRule observabilityImportsNothingOfOurs = noClasses().that()
            .resideInAPackage("io.amlrouter.observability..")
            .should().dependOnClassesThat(resideInAPackage("io.amlrouter..")
                    .and(resideOutsideOfPackage("io.amlrouter.observability..")))
            .because("observability is a leaf that takes names and numbers: each feature owns its meters and "
                    + "the adapters from its own types (an MlEvent's log context lives in routing)");

    @ArchTest
    static final ArchRule httpImportsNothingOfOurs = noClasses().that().resideInAPackage("io.amlrouter.http..")
            .should().dependOnClassesThat(resideInAPackage("io.amlrouter..")
                    .and(resideOutsideOfPackage("io.amlrouter.http..")))
            .because("problem+json and the HTTP utilities are used by every resource, so they stand on the "
                    + "floor and count nothing of a feature's own");

    @ArchTest
    static final ArchRule rulesLanguageImportsNoRuntime = noClasses().that().resideInAPackage("io.amlrouter.rules..")
            .should().dependOnClassesThat().resideInAnyPackage("io.amlrouter.routing..", "io.amlrouter.actions..",
                    "io.amlrouter.ingest..", "io.amlrouter.guard..", "io.amlrouter.deadletter..",
                    "io.amlrouter.digest..", "io.amlrouter.console..", "io.amlrouter.history..",
                    "io.amlrouter.health..")
            .because("the rules language (model, loader, lint, filters, templates, action specs) is loaded "
                    + "and linted alone (the lint CLI, the console's dry run) and must not depend on what runs "
                    + "the rules: routing, executors, ingest, runtime guards, dead letters, digests, UIs");

    @ArchTest
    static final ArchRule nothingOutsideActionsImportsActions = noClasses().that()
            .resideOutsideOfPackage("io.amlrouter.actions..")
            .should().dependOnClassesThat().resideInAPackage("io.amlrouter.actions..")
            .because("the executors are the top of the event path: routing hands actions over through types "
                    + "it owns, and CDI finds the executors, so nothing below imports them");

    /** Slices: the root package, and each package right under it with its subpackages. */
    private record Under(String root, String description) implements SliceAssignment {

        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
            String name = javaClass.getPackageName();
            if (name.equals(root)) {
                return SliceIdentifier.of("(" + root + ")");
            }
            if (!name.startsWith(root + ".")) {
                return SliceIdentifier.ignore();
            }
            String rest = name.substring(root.length() + 1);
            int dot = rest.indexOf('.');
            return SliceIdentifier.of(root + "." + (dot < 0 ? rest : rest.substring(0, dot)));
        }

        @Override
        public String getDescription() {
            return description;
        }
    }
}
