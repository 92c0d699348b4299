package dev.comet.cli;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.owned.Edit;
import dev.comet.owned.Guard;
import dev.comet.owned.UpdateProgram;
import picocli.CommandLine;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The guard and edit flags of {@code comet update} (a mixin): the update the command line can say is one clause, its
 * {@code --if-*} guards all required (none: always) and exactly one edit. DATA is text, sent as its UTF-8 bytes; HEX is
 * bytes, for guards on values that are not text. Programs of several clauses come from the Java client.
 */
final class UpdateOptions {
    @CommandLine.Option(names = "--if-version", paramLabel = "N",
            description = "Apply only if the value is at version N (0 as put, one more per update applied); "
                    + "read the version, and retry with it if not. "
                    + "All --if-* must hold.")
    List<Long> ifVersion = new ArrayList<>();

    @CommandLine.Option(names = "--if-size", paramLabel = "N", description = "Apply only if the value is exactly N bytes.")
    List<Long> ifSize = new ArrayList<>();

    @CommandLine.Option(names = "--if-bytes", paramLabel = "OFFSET:HEX",
            description = "Apply only if the value holds exactly these bytes (hex) at OFFSET.")
    List<String> ifBytes = new ArrayList<>();

    @CommandLine.Option(names = "--if-contains", paramLabel = "HEX",
            description = "Apply only if the value contains these bytes (hex) somewhere.")
    List<String> ifContains = new ArrayList<>();

    @CommandLine.Option(names = "--append", paramLabel = "DATA", description = "Add DATA at the end of the value.")
    List<String> append = new ArrayList<>();

    @CommandLine.Option(names = "--replace", paramLabel = "OFFSET:DATA",
            description = "Overwrite the bytes at OFFSET with DATA (they must lie inside the value).")
    List<String> replace = new ArrayList<>();

    @CommandLine.Option(names = "--insert", paramLabel = "OFFSET:DATA",
            description = "Insert DATA before the byte at OFFSET (0 to the value's size).")
    List<String> insert = new ArrayList<>();

    @CommandLine.Option(names = "--delete", paramLabel = "OFFSET:LEN", description = "Remove LEN bytes at OFFSET.")
    List<String> delete = new ArrayList<>();

    @CommandLine.Option(names = "--truncate", paramLabel = "LEN", description = "Keep the first LEN bytes of the value.")
    List<Long> truncate = new ArrayList<>();

    /**
     * The one-clause program the flags say; {@link ErrorCode#BAD_INPUT}, naming the flag, for no edit, more than one,
     * or a malformed operand. Guards are checked cheapest first (version, size, bytes, contains): all must hold anyway.
     */
    UpdateProgram program() {
        List<Guard> when = new ArrayList<>();
        ifVersion.forEach(n -> when.add(new Guard.VersionIs(count("--if-version", n))));
        ifSize.forEach(n -> when.add(new Guard.SizeIs(count("--if-size", n))));
        for (String s : ifBytes) {
            Operands o = Operands.split("--if-bytes", "OFFSET:HEX", s);
            when.add(new Guard.BytesAt(o.offset(), hex("--if-bytes", o.rest())));
        }
        ifContains.forEach(s -> when.add(new Guard.Contains(hex("--if-contains", s))));
        return UpdateProgram.of(when, List.of(edit()));
    }

    private Edit edit() {
        int edits = append.size() + replace.size() + insert.size() + delete.size() + truncate.size();
        if (edits != 1) {
            throw new CometException(ErrorCode.BAD_INPUT, (edits == 0 ? "give an edit" : "give one edit, not " + edits)
                    + ": --append DATA, --replace OFFSET:DATA, --insert OFFSET:DATA, --delete OFFSET:LEN or --truncate LEN");
        }
        if (!append.isEmpty()) {
            return new Edit.Append(text(append.get(0)));
        }
        if (!replace.isEmpty()) {
            Operands o = Operands.split("--replace", "OFFSET:DATA", replace.get(0));
            return new Edit.Replace(o.offset(), text(o.rest()));
        }
        if (!insert.isEmpty()) {
            Operands o = Operands.split("--insert", "OFFSET:DATA", insert.get(0));
            return new Edit.Insert(o.offset(), text(o.rest()));
        }
        if (!delete.isEmpty()) {
            Operands o = Operands.split("--delete", "OFFSET:LEN", delete.get(0));
            return new Edit.Delete(o.offset(), Operands.number("--delete", "OFFSET:LEN", o.rest()));
        }
        return new Edit.Truncate(count("--truncate", truncate.get(0)));
    }

    private static byte[] text(String data) {
        return data.getBytes(StandardCharsets.UTF_8);
    }

    private static long count(String flag, long n) {
        if (n < 0) {
            throw new CometException(ErrorCode.BAD_INPUT, flag + " must be 0 or more, got " + n);
        }
        return n;
    }

    private static byte[] hex(String flag, String text) {
        try {
            return HexFormat.of().parseHex(text);
        } catch (IllegalArgumentException e) {
            throw new CometException(ErrorCode.BAD_INPUT, flag + " wants bytes as hex digits (two per byte, e.g. 6869), got '"
                    + text + "'");
        }
    }

    /** A flag's {@code OFFSET:REST}: the offset before the first colon, the rest (which may hold colons) after it. */
    private record Operands(long offset, String rest) {
        static Operands split(String flag, String form, String text) {
            int colon = text.indexOf(':');
            if (colon < 0) {
                throw new CometException(ErrorCode.BAD_INPUT, flag + " wants " + form + ", got '" + text + "'");
            }
            return new Operands(number(flag, form, text.substring(0, colon)), text.substring(colon + 1));
        }

        /** A count in decimal digits only: an offset or a length is never negative, and a sign is no digit. */
        static long number(String flag, String form, String digits) {
            if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new CometException(ErrorCode.BAD_INPUT, flag + " wants " + form + " with a number of 0 or more, got '"
                        + digits + "'");
            }
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw new CometException(ErrorCode.BAD_INPUT, flag + ": " + digits + " is too large");
            }
        }
    }
}
