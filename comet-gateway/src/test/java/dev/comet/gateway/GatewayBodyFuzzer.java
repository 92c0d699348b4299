package dev.comet.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.comet.CometException;
import dev.comet.client.CometClientException;
import dev.comet.client.ItemSpec;
import dev.comet.client.NodeOperations;
import dev.comet.client.ObjectSource;
import dev.comet.client.ObjectSpec;
import dev.comet.client.SignedObjectSpec;
import dev.comet.owned.UpdateProgram;

import java.util.Arrays;

/**
 * Jazzer target for the HTTP gateway's request bodies: the first byte picks a route (an object put, a signed-object
 * put, an item put, an update), the rest is its body, read as the route reads it and checked as the route checks it
 * before it asks the node. Whatever the bytes, the answer is the body's value or an error of the catalogue with a
 * 4xx status, never an unexpected exception (a 500).
 */
class GatewayBodyFuzzer {
    @FuzzTest(maxDuration = "5s")
    void body(byte[] input) {
        if (input.length == 0) {
            return;
        }
        byte[] body = Arrays.copyOfRange(input, 1, input.length);
        try {
            switch (input[0] & 3) {
                case 0 -> ObjectSource.of(Gateway.body(body, ObjectSpec.class).validate());
                case 1 -> {
                    SignedObjectSpec spec = Gateway.body(body, SignedObjectSpec.class);
                    spec.toSignature();
                    spec.codeBytes();
                }
                case 2 -> Gateway.body(body, ItemSpec.class).toItem();
                default -> UpdateProgram.decode(UpdateRoutes.programOf(Gateway.body(body, UpdateRoutes.UpdateBody.class)));
            }
        } catch (CometClientException | CometException e) {
            assertThat(NodeOperations.failure(e).error().status()).as("the status of %s", e.getMessage())
                    .isBetween(400, 499);
        }
    }
}
