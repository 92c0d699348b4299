package dev.comet.gateway;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The spec check itself catches what docs/openapi.yaml does not describe (so a passing route test means something). */
class HttpCheckTest {
    @Test
    void aRequestOutsideTheSpecFails() {
        assertThatCode(() -> HttpCheck.assertRequestMatchesSpec("PUT", "/v1/objects/a/b", "{\"value\":\"v\",\"replicas\":3}"))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> HttpCheck.assertRequestMatchesSpec("PUT", "/v1/objects/x", "{\"value\":\"v\",\"colour\":1}"))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> HttpCheck.assertRequestMatchesSpec("PUT", "/v1/objects/x", "{\"value\":\"v\",\"replicas\":21}"))
                .isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> HttpCheck.assertRequestMatchesSpec("GET", "/v1/objects/x?all=maybe", null))
                .isInstanceOf(AssertionError.class);
    }
}
