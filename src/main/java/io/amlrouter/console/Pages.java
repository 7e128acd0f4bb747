package io.amlrouter.console;

import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;

/**
 * Renders console pages (Qute templates under {@code templates/console/}, HTML-escaped) with what every page of a
 * session shows: the navigation, who is signed in and the session's CSRF token for its forms.
 */
@ApplicationScoped
public class Pages {

    private final ConsoleAccess access;
    private final Template message;

    public Pages(ConsoleAccess access, @Location("console/message.html") Template message) {
        this.access = access;
        this.message = message;
    }

    /** A page of a session: {@code nav} marks the current item of the navigation. */
    public TemplateInstance of(Template template, ConsoleSessions.Session session, String nav) {
        return template.data("csrf", access.csrf(session)).data("who", session.who()).data("nav", nav);
    }

    public static Response html(int status, TemplateInstance page) {
        return Response.status(status).type(MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")).entity(page.render()).build();
    }

    public static Response ok(TemplateInstance page) {
        return html(200, page);
    }

    /** A short page saying what went wrong (403, 404, 409, 503), with the navigation when there is a session. */
    public Response message(int status, String title, String text, Optional<ConsoleSessions.Session> session) {
        TemplateInstance page = session.map(s -> of(message, s, "")).orElseGet(() -> message.data("nav", "")
                .data("csrf", null).data("who", null));
        return html(status, page.data("heading", title).data("text", text));
    }

    /** The 403 of a console POST without its session's CSRF token (or without a session). */
    public Response forbidden(Optional<ConsoleSessions.Session> session) {
        return message(403, "Form refused",
                "This form did not carry the token of your console session (it was sent from another page, or "
                        + "your session ended). Nothing was changed. Open the page again and resubmit.",
                session);
    }
}
