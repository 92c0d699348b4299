package dev.comet.gateway;

import dev.comet.CometException;
import dev.comet.ErrorCode;

import java.time.Duration;

/**
 * Settings of a node's HTTP gateway, with the defaults of {@link #defaults()}.
 *
 * @param host           address the gateway listens on (default 127.0.0.1: a gateway is open to anyone who reaches
 *                       it, so exposing it is the operator's choice)
 * @param port           TCP port, 0 for a free one (default 8080)
 * @param maxBodyBytes   largest request body; larger ones get 413 (default 64 KiB: an object's code is at most
 *                       16 KiB, a BEP 44 value 1,000 bytes)
 * @param maxInFlight    requests served at once; more get 429 with {@code Retry-After: 1} (default 256)
 * @param requestTimeout longest an operation may take before it answers 503 (default 30 s)
 */
public record GatewayConfig(String host, int port, int maxBodyBytes, int maxInFlight, Duration requestTimeout) {
    public GatewayConfig {
        if (port < 0 || port > 65535) {
            throw new CometException(ErrorCode.BAD_INPUT, "the HTTP port must be 0 to 65535, got " + port);
        }
        if (maxBodyBytes < 1024 || maxInFlight < 1 || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new CometException(ErrorCode.BAD_INPUT, "maxBodyBytes must be at least 1024, maxInFlight and requestTimeout positive");
        }
    }

    public static GatewayConfig defaults() {
        return new GatewayConfig("127.0.0.1", 8080, 64 * 1024, 256, Duration.ofSeconds(30));
    }

    /** These settings on another address and port. */
    public GatewayConfig withAddress(String newHost, int newPort) {
        return new GatewayConfig(newHost, newPort, maxBodyBytes, maxInFlight, requestTimeout);
    }

    /** These settings with another limit of requests in flight. */
    public GatewayConfig withMaxInFlight(int n) {
        return new GatewayConfig(host, port, maxBodyBytes, n, requestTimeout);
    }
}
