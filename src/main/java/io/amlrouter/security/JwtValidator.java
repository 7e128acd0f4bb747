package io.amlrouter.security;

import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Checks Microsoft Entra ID access tokens (RS256 JWTs): signature against the issuer's JWKS, issuer,
 * audience, expiry and not-before with a clock-skew allowance, and an app role. Event Grid sends such
 * a token on every delivery to an Entra-protected webhook, with the role
 * {@code AzureEventGridSecureWebhookSubscriber}.
 */
public final class JwtValidator {

    /** Tokens longer than this are refused unread. */
    static final int MAX_TOKEN_LENGTH = 16 * 1024;

    private final Jwks jwks;
    private final Expectations expected;
    private final Clock clock;
    private final ObjectMapper mapper = new ObjectMapper();

    /**
     * What a valid token must carry.
     *
     * @param issuers accepted {@code iss} values (exact)
     * @param audiences accepted {@code aud} values: the app id and/or app id URI
     * @param requiredRole a role that must be in {@code roles}, or empty for none
     * @param clockSkew tolerance on {@code exp} and {@code nbf}
     */
    public record Expectations(List<String> issuers, List<String> audiences, Optional<String> requiredRole,
            Duration clockSkew) {
    }

    public JwtValidator(Jwks jwks, Expectations expected, Clock clock) {
        this.jwks = jwks;
        this.expected = expected;
        this.clock = clock;
    }

    public CompletionStage<TokenCheck> check(String token) {
        if (token == null || token.isBlank()) {
            return done(new TokenCheck.Invalid("no bearer token"));
        }
        if (token.length() > MAX_TOKEN_LENGTH) {
            return done(new TokenCheck.Invalid("token too long"));
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return done(new TokenCheck.Invalid("not a signed JWT"));
        }
        JsonNode header;
        JsonNode claims;
        byte[] signature;
        try {
            header = mapper.readTree(Base64.getUrlDecoder().decode(parts[0]));
            claims = mapper.readTree(Base64.getUrlDecoder().decode(parts[1]));
            signature = Base64.getUrlDecoder().decode(parts[2]);
        } catch (Exception e) {
            return done(new TokenCheck.Invalid("malformed token"));
        }
        if (!"RS256".equals(header.path("alg").asText())) {
            return done(new TokenCheck.Invalid("unsupported signing algorithm \"" + header.path("alg").asText() + "\""));
        }
        String kid = header.path("kid").asText(null);
        if (kid == null) {
            return done(new TokenCheck.Invalid("token has no key id"));
        }
        TokenCheck claimCheck = checkClaims(claims);
        if (!(claimCheck instanceof TokenCheck.Valid)) {
            return done(claimCheck);
        }
        byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        return jwks.key(kid).handle((key, error) -> {
            if (error != null) {
                return new TokenCheck.Unavailable(error.getCause() != null ? error.getCause().getMessage() : error.getMessage());
            }
            if (key.isEmpty()) {
                return new TokenCheck.Invalid("token signed with unknown key \"" + kid + "\"");
            }
            return verify(key.get(), signed, signature) ? claimCheck : new TokenCheck.Invalid("bad signature");
        });
    }

    private TokenCheck checkClaims(JsonNode claims) {
        Instant now = clock.instant();
        long skew = expected.clockSkew().toSeconds();
        if (!claims.path("exp").isNumber()) {
            return new TokenCheck.Invalid("token has no expiry");
        }
        if (now.getEpochSecond() > claims.get("exp").asLong() + skew) {
            return new TokenCheck.Invalid("token expired");
        }
        if (claims.path("nbf").isNumber() && now.getEpochSecond() + skew < claims.get("nbf").asLong()) {
            return new TokenCheck.Invalid("token not yet valid");
        }
        String iss = claims.path("iss").asText("");
        if (!expected.issuers().contains(iss)) {
            return new TokenCheck.Invalid("issuer \"" + iss + "\" is not accepted");
        }
        List<String> aud = strings(claims.path("aud"));
        if (aud.stream().noneMatch(expected.audiences()::contains)) {
            return new TokenCheck.Invalid("audience " + aud + " is not accepted");
        }
        List<String> roles = strings(claims.path("roles"));
        if (expected.requiredRole().isPresent() && !roles.contains(expected.requiredRole().get())) {
            return new TokenCheck.Invalid("token lacks the role " + expected.requiredRole().get());
        }
        String appId = claims.hasNonNull("appid") ? claims.get("appid").asText() : claims.path("azp").asText(null);
        return new TokenCheck.Valid(claims.path("sub").asText(null), appId, roles);
    }

    private static boolean verify(PublicKey key, byte[] signed, byte[] signature) {
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update(signed);
            return verifier.verify(signature);
        } catch (Exception e) {
            return false;
        }
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isTextual()) {
            out.add(node.asText());
        } else if (node.isArray()) {
            node.forEach(n -> {
                if (n.isTextual()) {
                    out.add(n.asText());
                }
            });
        }
        return out;
    }

    private static CompletionStage<TokenCheck> done(TokenCheck check) {
        return CompletableFuture.completedFuture(check);
    }
}
