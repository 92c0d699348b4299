package dev.comet.gateway;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Tests' HTTP client: sends a request to a gateway and checks the response against docs/openapi.yaml. */
final class HttpCheck {
    static final OpenApiInteractionValidator OPENAPI = OpenApiInteractionValidator
            .createForSpecificationUrl(spec().toUri().toString()).build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private HttpCheck() {
    }

    /** The response to {@code method path} with {@code body} (null: none), after checking it matches the spec. */
    static HttpResponse<String> send(String base, String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        HttpResponse<String> response;
        try {
            response = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("request failed: " + method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        assertMatchesSpec(method, path, response);
        return response;
    }

    /** The response to {@code method path} without checking it against the spec (for routes the spec has not). */
    static HttpResponse<String> sendUnchecked(String base, String method, String path, String body) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("request failed: " + method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Fails when the response's status, content type or body is not what docs/openapi.yaml says for the route. */
    static void assertMatchesSpec(String method, String path, HttpResponse<String> response) {
        String pathOnly = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        // a key may hold slashes, which OpenAPI path templates cannot: match the route with them escaped
        for (String prefix : new String[] {"/v1/node/objects/", "/v1/objects/"}) {
            if (pathOnly.startsWith(prefix)) {
                pathOnly = prefix + pathOnly.substring(prefix.length()).replace("/", "%2F");
                break;
            }
        }
        SimpleResponse.Builder r = SimpleResponse.Builder.status(response.statusCode()).withBody(response.body());
        response.headers().firstValue("Content-Type").ifPresent(ct -> r.withContentType(ct.split(";")[0]));
        ValidationReport report = OPENAPI.validateResponse(pathOnly,
                Request.Method.valueOf(method), r.build());
        assertThat(report.getMessages()).as("%s %s -> %d %s", method, path, response.statusCode(), response.body()).isEmpty();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    static Path spec() {
        return repoFile("docs/openapi.yaml");
    }

    /** A file of the repository (docs/, examples/), found from the module's directory upwards. */
    static Path repoFile(String relative) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve(relative))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
        }
        return dir.resolve(relative);
    }

    /** The text of a repository file. */
    static String read(String relative) {
        try {
            return Files.readString(repoFile(relative));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
