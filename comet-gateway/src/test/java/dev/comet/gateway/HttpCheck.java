package dev.comet.gateway;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comet.ErrorCode;
import dev.comet.client.ApiError;
import dev.comet.testing.RepositoryFiles;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
        return send(base, method, path, body, java.util.Map.of());
    }

    /** {@link #send(String, String, String, String)} with {@code headers} (an admin token, an owner's signed request). */
    static HttpResponse<String> send(String base, String method, String path, String body, java.util.Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        headers.forEach(b::header);
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
        if (response.statusCode() / 100 == 2) {
            assertRequestMatchesSpec(method, path, body);
        }
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

    /** Fails when a request the gateway accepted is not one docs/openapi.yaml describes (body and parameters). */
    static void assertRequestMatchesSpec(String method, String path, String body) {
        String[] parts = path.split("\\?", 2);
        SimpleRequest.Builder r = new SimpleRequest.Builder(method, specPath(parts[0]));
        if (body != null) {
            r.withBody(body).withContentType("application/json");
        }
        if (parts.length > 1) {
            for (String pair : parts[1].split("&")) {
                String[] kv = pair.split("=", 2);
                r.withQueryParam(java.net.URLDecoder.decode(kv[0], java.nio.charset.StandardCharsets.UTF_8),
                        kv.length > 1 ? java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8) : "");
            }
        }
        ValidationReport report = OPENAPI.validateRequest(r.build());
        // errors only: OpenAPI cannot name the arg.NAME parameters (the validator notes each as unexpected)
        assertThat(report.getMessages()).as("request %s %s %s", method, path, body)
                .noneMatch(m -> m.getLevel() == ValidationReport.Level.ERROR);
    }

    /** Fails when the response's status, content type or body is not what docs/openapi.yaml says for the route. */
    static void assertMatchesSpec(String method, String path, HttpResponse<String> response) {
        String pathOnly = specPath(path.contains("?") ? path.substring(0, path.indexOf('?')) : path);
        SimpleResponse.Builder r = SimpleResponse.Builder.status(response.statusCode()).withBody(response.body());
        response.headers().firstValue("Content-Type").ifPresent(ct -> r.withContentType(ct.split(";")[0]));
        ValidationReport report = OPENAPI.validateResponse(pathOnly,
                Request.Method.valueOf(method), r.build());
        assertThat(report.getMessages()).as("%s %s -> %d %s", method, path, response.statusCode(), response.body()).isEmpty();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    /**
     * The JSON error body of {@code response} after checking it is {@code status} with kind {@code error}, and that
     * its {@code code} and {@code name} are one entry of the catalogue whose kind is that status and kind.
     */
    static JsonNode errorBody(HttpResponse<String> response, int status, String error) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
        assertThat(json.get("error").asText()).as(response.body()).isEqualTo(error);
        assertThat(json.get("message").asText()).isNotBlank();
        ErrorCode entry = ErrorCode.byCode(json.get("code").asInt()).orElseThrow(
                () -> new AssertionError("no catalogue entry for the code of " + response.body()));
        assertThat(json.get("name").asText()).isEqualTo(entry.name());
        assertThat(ApiError.of(entry).code()).as("the kind of %s", entry).isEqualTo(error);
        assertThat(ApiError.of(entry).status()).isEqualTo(status);
        return json;
    }

    /** A key may hold slashes, which OpenAPI path templates cannot: the route's path with them escaped. */
    private static String specPath(String path) {
        for (String prefix : new String[] {"/v1/node/objects/", "/v1/objects/"}) {
            if (path.startsWith(prefix)) {
                return prefix + path.substring(prefix.length()).replace("/", "%2F");
            }
        }
        return path;
    }

    static Path spec() {
        return RepositoryFiles.path("docs/openapi.yaml");
    }

    /** The text of a repository file. */
    static String read(String relative) {
        try {
            return RepositoryFiles.read(relative);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
