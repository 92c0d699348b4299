package dev.comet.gateway;

import dev.comet.CometError;
import dev.comet.client.ApiError;

/**
 * The JSON body of every gateway error: its kind ({@link ApiError#code()}, e.g. {@code "refused"}), the catalogue's
 * number and name for it (docs/errors.md, e.g. 330 {@code HANDLER_REFUSED}) and a message for people.
 */
public record ErrorBody(String error, int code, String name, String message) {
    /** The body for {@code error}. */
    public static ErrorBody of(CometError error) {
        return new ErrorBody(ApiError.of(error.code()).code(), error.code().code(), error.code().name(), error.message());
    }
}
