package dev.comet;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The catalogue's own rules: no code shared by two entries, wire codes below 900, one-line meanings and remedies
 * (each is a cell of docs/errors.md's table, so no line breaks and no {@code |}).
 */
class ErrorCodeTest {
    @Test
    void everyEntryHasACodeOfItsOwn() {
        Set<Integer> seen = new HashSet<>();
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(seen.add(c.code())).as("%s shares %d", c, c.code()).isTrue();
            assertThat(ErrorCode.byCode(c.code())).contains(c);
        }
        assertThat(ErrorCode.byCode(999)).isEmpty();
    }

    @Test
    void wireCodesTravelAsTheyAreAndLocalOnesAsGenericOrServerErrors() {
        for (ErrorCode c : ErrorCode.values()) {
            if (c.onTheWire()) {
                assertThat(c.krpcCode()).isEqualTo(c.code());
                assertThat(ErrorCode.ofKrpc(c.code())).isEqualTo(c);
            } else {
                assertThat(c.code()).isBetween(901, 999);
                assertThat(c.krpcCode()).isIn(ErrorCode.GENERIC.code(), ErrorCode.SERVER.code());
            }
        }
        assertThat(ErrorCode.ofKrpc(ErrorCode.NOT_FOUND.code())).as("a local code from a peer").isEqualTo(ErrorCode.GENERIC);
    }

    @Test
    void meaningsAndRemediesAreOneLineEach() {
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(c.meaning()).as("%s meaning", c).isNotBlank().doesNotContain("\n").doesNotContain("|");
            assertThat(c.remedy()).as("%s remedy", c).isNotBlank().doesNotContain("\n").doesNotContain("|");
        }
    }
}
