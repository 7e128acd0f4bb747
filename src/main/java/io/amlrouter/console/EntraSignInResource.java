package io.amlrouter.console;

import java.util.List;
import java.util.Optional;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.quarkus.oidc.OidcSession;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * "Sign in with Microsoft" ({@link EntraTenant}): {@code GET /console/entra/sign-in} starts quarkus-oidc's
 * authorization code flow and is also where Entra sends the browser back. There quarkus-oidc has exchanged the code
 * and verified the ID token (signature by the tenant's keys, issuer, audience = our client id, expiry); a user whose
 * token's {@code roles} carry the app role gets a console session ({@link ConsoleSessions}, the same cookie as a key
 * sign-in), anyone else a 403 page and no session. Either way quarkus-oidc's own session cookie is removed: from then
 * on the console session alone counts, and signing out ends it.
 *
 * <p>
 * The answer to the callback is a page that moves on to /console by itself rather than a redirect: the callback is a
 * navigation started by Entra's site, and a browser does not send a SameSite=Strict cookie on a redirect that
 * continues it.
 */
@Path("/console/entra")
public class EntraSignInResource {

    /** quarkus-oidc's session cookie of the tenant (split ones add a suffix). */
    static final String SESSION_COOKIE = "q_session_" + EntraTenant.TENANT;

    private final EntraTenant tenant;
    private final ConsoleAccess access;
    private final Pages pages;
    private final SecurityIdentity identity;
    private final OidcSession oidc;
    private final Template signedIn;

    public EntraSignInResource(EntraTenant tenant, ConsoleAccess access, Pages pages, SecurityIdentity identity,
            OidcSession oidc, @Location("console/entra-signed-in.html") Template signedIn) {
        this.tenant = tenant;
        this.access = access;
        this.pages = pages;
        this.identity = identity;
        this.oidc = oidc;
        this.signedIn = signedIn;
    }

    @GET
    @Path("sign-in")
    @Authenticated
    public Uni<Response> signIn(@Context UriInfo uri, @Context HttpServerRequest request, RoutingContext context) {
        String from = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        String user = user(oidc.getIdToken());
        Response answer;
        if (identity.hasRole(tenant.requiredRole())) {
            ConsoleSessions.Session session = access.signInWithEntra(user, from);
            answer = Response.fromResponse(Pages.ok(pages.of(signedIn, session, "")))
                    .cookie(access.cookie(session, uri)).build();
        } else {
            access.refuseEntra(user, tenant.requiredRole(), from);
            answer = pages.message(403, "Not allowed",
                    "Your Microsoft account " + ConsoleAccess.printable(user) + " does not hold the app role "
                            + tenant.requiredRole() + " of this console's app registration. Nothing was signed in. "
                            + "An administrator of the Entra tenant can assign the role (Enterprise applications, "
                            + "Users and groups), or sign in with an admin key.",
                    Optional.empty());
        }
        // The session cookie quarkus-oidc has just set on this answer (OidcSession.logout removes only one that came
        // with the request): dropped, so only the console session remains.
        for (String name : List.copyOf(context.cookieMap().keySet())) {
            if (name.startsWith(SESSION_COOKIE)) {
                context.response().removeCookie(name, true);
            }
        }
        return oidc.logout().replaceWith(answer);
    }

    @GET
    @Path("error")
    public Response error(@QueryParam("error") String error, @QueryParam("error_description") String description) {
        String what = error == null || error.isBlank() ? "an error" : "\"" + error + "\"";
        String why = description == null || description.isBlank() ? "" : ": " + description;
        return pages.message(401, "Microsoft sign-in failed",
                "Microsoft Entra answered " + what + why + ". Nothing was signed in.", Optional.empty());
    }

    /** The account's name as Entra's ID token gives it. */
    static String user(JsonWebToken token) {
        for (String claim : new String[] { "preferred_username", "upn", "email", "name", "oid", "sub" }) {
            Object value = token.getClaim(claim);
            if (value != null && !value.toString().isBlank()) {
                return value.toString();
            }
        }
        return "";
    }
}
