package dev.comet.bencode;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A shared key String is the one the raw bytes spell, for the known keys, their near misses and their collisions. */
class DictionaryKeysTest {

    @Test
    void everyKeyIsItsBytes() {
        for (String known : DictionaryKeys.KNOWN) {
            for (String key : new String[] {known, known + "x", "x" + known, known.substring(1),
                    known.toUpperCase(), known.substring(0, known.length() - 1) + "\u00ff"}) {
                byte[] raw = ("--" + key + "--").getBytes(StandardCharsets.ISO_8859_1);
                assertThat(DictionaryKeys.key(raw, 2, raw.length - 2)).isEqualTo(key);
            }
        }
    }

    @Test
    void aDecodedMessageHasItsKeys() {
        byte[] datagram = "d1:ad2:id20:aaaaaaaaaaaaaaaaaaaa5:state1:x7:targetxi1ee1:q9:find_node1:t2:aa1:y1:qe"
                .getBytes(StandardCharsets.ISO_8859_1);
        BencodeMap message = (BencodeMap) Bencode.decode(datagram);
        assertThat(message.keySet()).containsExactly("a", "q", "t", "y");
        assertThat(((BencodeMap) message.get("a")).keySet()).containsExactly("id", "state", "targetx");
    }
}
