package io.amlrouter.console;

import java.net.URI;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.vertx.core.http.HttpServerRequest;

/**
 * Signing in to the console with an admin key ({@code POST /console/login}, form field {@code key}) and out
 * ({@code POST /console/logout}, with the CSRF token). Where Microsoft Entra sign-in is configured the sign-in page
 * also offers it ({@link EntraSignInResource}).
 */
@Path("/console")
public class LoginResource {

    private final ConsoleAccess access;
    private final Pages pages;
    private final Template login;
    private final EntraTenant entra;

    public LoginResource(ConsoleAccess access, Pages pages, @Location("console/login.html") Template login,
            EntraTenant entra) {
        this.access = access;
        this.pages = pages;
        this.login = login;
        this.entra = entra;
    }

    @GET
    @Path("login")
    public Response form() {
        return Pages.ok(page(null));
    }

    @POST
    @Path("login")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signIn(@FormParam("key") String key, @Context UriInfo uri, @Context HttpServerRequest request) {
        String from = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
        Optional<ConsoleSessions.Session> session = access.signIn(key, from);
        if (session.isEmpty()) {
            return Pages.html(401, page(key == null || key.isBlank() ? "Enter an admin key."
                    : "That key is not an admin key. Nothing was signed in."));
        }
        return Response.seeOther(URI.create("/console")).cookie(access.cookie(session.get(), uri)).build();
    }

    @POST
    @Path("logout")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signOut(@CookieParam(ConsoleSessions.COOKIE) String cookie, @FormParam("csrf") String csrf,
            @Context UriInfo uri) {
        Optional<ConsoleSessions.Session> session = access.session(cookie);
        if (session.isEmpty() || !access.csrfMatches(session.get(), csrf)) {
            return pages.forbidden(session);
        }
        access.end(session.get());
        return Response.seeOther(ConsoleAccess.LOGIN).cookie(access.expired(uri)).build();
    }

    private io.quarkus.qute.TemplateInstance page(String error) {
        return login.data("error", error).data("keysConfigured", access.keysConfigured())
                .data("entra", entra.enabled()).data("nav", "login")
                .data("csrf", null).data("who", null);
    }
}
