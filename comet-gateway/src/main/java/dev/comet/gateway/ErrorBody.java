package dev.comet.gateway;

/** The JSON body of every gateway error: the {@link dev.comet.client.ApiError} code and a message for people. */
public record ErrorBody(String error, String message) {
}
