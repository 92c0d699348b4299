package dev.comet.krpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.comet.id.NodeId;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** BEP 5 write tokens: bound to requester IP and target, valid for the current and the previous secret only. */
class TokenManagerTest {

    private static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static final InetAddress ALICE = ip("192.0.2.1");
    private static final InetAddress BOB = ip("192.0.2.2");
    private static final InetAddress ALICE_V6 = ip("2001:db8::1");
    private static final NodeId HASH = NodeId.ofKey("some torrent");
    private static final NodeId OTHER_HASH = NodeId.ofKey("another torrent");

    private final TokenManager tokens = new TokenManager(new SplittableRandom(1));

    @Test
    void aTokenIsValidForTheSameIpAndTarget() {
        byte[] token = tokens.tokenFor(ALICE, HASH);
        assertThat(token).hasSize(8);
        assertThat(tokens.valid(token, ALICE, HASH)).isTrue();
        // deterministic within a period
        assertThat(tokens.tokenFor(ALICE, HASH)).isEqualTo(token);
    }

    @Test
    void aTokenIsInvalidForAnotherIpOrTarget() {
        byte[] token = tokens.tokenFor(ALICE, HASH);
        assertThat(tokens.valid(token, BOB, HASH)).isFalse();
        assertThat(tokens.valid(token, ALICE, OTHER_HASH)).isFalse();
        assertThat(tokens.valid(token, BOB, OTHER_HASH)).isFalse();
        assertThat(tokens.valid(token, ALICE_V6, HASH)).isFalse();
        assertThat(tokens.tokenFor(BOB, HASH)).isNotEqualTo(token);
        assertThat(tokens.tokenFor(ALICE, OTHER_HASH)).isNotEqualTo(token);
    }

    @Test
    void ipv6RequestersGetTokensToo() {
        byte[] token = tokens.tokenFor(ALICE_V6, HASH);
        assertThat(tokens.valid(token, ALICE_V6, HASH)).isTrue();
        assertThat(tokens.valid(token, ALICE, HASH)).isFalse();
    }

    @Test
    void aTokenSurvivesOneRotationButNotTwo() {
        byte[] token = tokens.tokenFor(ALICE, HASH);
        tokens.rotate();
        assertThat(tokens.valid(token, ALICE, HASH)).isTrue();
        assertThat(tokens.valid(token, BOB, HASH)).isFalse();
        byte[] fresh = tokens.tokenFor(ALICE, HASH);
        assertThat(fresh).isNotEqualTo(token);
        tokens.rotate();
        assertThat(tokens.valid(token, ALICE, HASH)).isFalse();
        assertThat(tokens.valid(fresh, ALICE, HASH)).isTrue();
        tokens.rotate();
        assertThat(tokens.valid(fresh, ALICE, HASH)).isFalse();
    }

    @Test
    void malformedTokensAreInvalid() {
        byte[] token = tokens.tokenFor(ALICE, HASH);
        assertThat(tokens.valid(null, ALICE, HASH)).isFalse();
        assertThat(tokens.valid(new byte[0], ALICE, HASH)).isFalse();
        assertThat(tokens.valid(Arrays.copyOf(token, 7), ALICE, HASH)).isFalse();
        assertThat(tokens.valid(Arrays.copyOf(token, 9), ALICE, HASH)).isFalse();
        assertThat(tokens.valid(Arrays.copyOf(token, 20), ALICE, HASH)).isFalse();
        for (int i = 0; i < token.length; i++) {
            byte[] tampered = token.clone();
            tampered[i] ^= 1;
            assertThat(tokens.valid(tampered, ALICE, HASH)).as("byte %d flipped", i).isFalse();
        }
    }

    @Test
    void tokensOfAnotherNodeAreInvalid() {
        TokenManager other = new TokenManager(new SplittableRandom(2));
        assertThat(tokens.valid(other.tokenFor(ALICE, HASH), ALICE, HASH)).isFalse();
        assertThat(other.valid(tokens.tokenFor(ALICE, HASH), ALICE, HASH)).isFalse();
    }
}
