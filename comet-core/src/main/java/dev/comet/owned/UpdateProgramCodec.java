package dev.comet.owned;

import dev.comet.CometException;
import dev.comet.ErrorCode;
import dev.comet.bencode.Bencode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The wire form of an {@link UpdateProgram} (docs/protocol.md §3.10): a bencoded list of clauses, each the dictionary
 * {@code {"do": [edit, …], "if": [guard, …]}}, each guard or edit a list of its name and operands, e.g.
 * {@code ["bytes-at", 5, "abc"]}. Decoding is strict: the only bytes it accepts are the canonical encoding of a valid
 * program, so a signature over the bytes is a signature over one program.
 */
final class UpdateProgramCodec {
    private UpdateProgramCodec() {
    }

    static byte[] encode(UpdateProgram program) {
        List<Object> clauses = new ArrayList<>();
        for (Clause c : program.clauses()) {
            TreeMap<String, Object> clause = new TreeMap<>();
            clause.put("do", c.then().stream().map(UpdateProgramCodec::wire).toList());
            clause.put("if", c.when().stream().map(UpdateProgramCodec::wire).toList());
            clauses.add(clause);
        }
        return Bencode.encode(clauses);
    }

    private static List<Object> wire(Guard g) {
        if (g instanceof Guard.VersionIs v) {
            return List.of("version", v.version());
        } else if (g instanceof Guard.SizeIs s) {
            return List.of("size", s.size());
        } else if (g instanceof Guard.BytesAt b) {
            return List.of("bytes-at", b.offset(), b.bytes());
        } else if (g instanceof Guard.Contains c) {
            return List.of("contains", c.bytes());
        }
        throw noWireForm(g);
    }

    private static List<Object> wire(Edit e) {
        if (e instanceof Edit.Replace r) {
            return List.of("replace", r.offset(), r.data());
        } else if (e instanceof Edit.Insert i) {
            return List.of("insert", i.offset(), i.data());
        } else if (e instanceof Edit.Delete d) {
            return List.of("delete", d.offset(), d.length());
        } else if (e instanceof Edit.Append a) {
            return List.of("append", a.data());
        } else if (e instanceof Edit.Truncate t) {
            return List.of("truncate", t.length());
        }
        throw noWireForm(e);
    }

    /** Java 17 has no exhaustive switch over a sealed type: a permitted type added without a wire form lands here. */
    private static CometException noWireForm(Object o) {
        return new CometException(ErrorCode.INTERNAL, "no wire form for " + o.getClass().getSimpleName());
    }

    static UpdateProgram decode(byte[] bytes) {
        if (bytes == null) {
            throw malformed("no update program");
        }
        if (!(Bencode.decode(bytes) instanceof List<?> list)) {
            throw malformed("an update program must be a list of clauses");
        }
        List<Clause> clauses = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            clauses.add(clause(i + 1, list.get(i)));
        }
        return new UpdateProgram(clauses);
    }

    private static Clause clause(int n, Object wire) {
        String where = "clause " + n;
        if (!(wire instanceof Map<?, ?> dict) || dict.size() != 2 || !(dict.get("if") instanceof List<?> ifs)
                || !(dict.get("do") instanceof List<?> dos)) {
            throw malformed(where + " must be a dictionary of exactly \"if\" (a list of guards) and \"do\" (a list of edits)");
        }
        List<Guard> when = new ArrayList<>();
        for (int i = 0; i < ifs.size(); i++) {
            when.add(guard(where + ", guard " + (i + 1), ifs.get(i)));
        }
        List<Edit> then = new ArrayList<>();
        for (int i = 0; i < dos.size(); i++) {
            then.add(edit(where + ", edit " + (i + 1), dos.get(i)));
        }
        try {
            return new Clause(when, then);
        } catch (CometException e) {
            throw located(where, e);
        }
    }

    private static Guard guard(String where, Object wire) {
        Operands o = Operands.of(where, wire);
        try {
            return switch (o.name()) {
                case "version" -> new Guard.VersionIs(o.integer(1, 2));
                case "size" -> new Guard.SizeIs(o.integer(1, 2));
                case "bytes-at" -> new Guard.BytesAt(o.integer(1, 3), o.string(2, 3));
                case "contains" -> new Guard.Contains(o.string(1, 2));
                default -> throw malformed(where + ": unknown guard '" + o.shownName() + "'");
            };
        } catch (CometException e) {
            throw located(where, e);
        }
    }

    private static Edit edit(String where, Object wire) {
        Operands o = Operands.of(where, wire);
        try {
            return switch (o.name()) {
                case "replace" -> new Edit.Replace(o.integer(1, 3), o.string(2, 3));
                case "insert" -> new Edit.Insert(o.integer(1, 3), o.string(2, 3));
                case "delete" -> new Edit.Delete(o.integer(1, 3), o.integer(2, 3));
                case "append" -> new Edit.Append(o.string(1, 2));
                case "truncate" -> new Edit.Truncate(o.integer(1, 2));
                default -> throw malformed(where + ": unknown edit '" + o.shownName() + "'");
            };
        } catch (CometException e) {
            throw located(where, e);
        }
    }

    /** The constructors' own refusals (a negative offset) say what is wrong; this says where. */
    private static CometException located(String where, CometException e) {
        String message = e.getMessage();
        return message.startsWith(where) ? e : new CometException(e.code(), where + ": " + message);
    }

    private static CometException malformed(String message) {
        return new CometException(ErrorCode.PROTOCOL, "malformed update program: " + message);
    }

    /** One guard or edit on the wire: a list whose first element names it and whose others are its operands. */
    private record Operands(String where, String name, String shownName, List<?> items) {
        /** Longest name shown in an error: names come from the network. */
        private static final int SHOWN_NAME_CHARS = 24;

        static Operands of(String where, Object wire) {
            if (!(wire instanceof List<?> items) || items.isEmpty() || !(items.get(0) instanceof byte[] name)) {
                throw malformed(where + " must be a list starting with its name");
            }
            return new Operands(where, new String(name, StandardCharsets.ISO_8859_1), shown(name), items);
        }

        /** Element {@code at}, an integer, of a list that must have {@code size} elements. */
        long integer(int at, int size) {
            if (items.size() != size || !(items.get(at) instanceof Long n)) {
                throw malformed(where + ": '" + shownName + "' takes " + (size - 1) + " operands; operand " + at
                        + " is an integer");
            }
            return n;
        }

        /** Element {@code at}, a byte string, of a list that must have {@code size} elements. */
        byte[] string(int at, int size) {
            if (items.size() != size || !(items.get(at) instanceof byte[] b)) {
                throw malformed(where + ": '" + shownName + "' takes " + (size - 1) + " operands; operand " + at
                        + " is a byte string");
            }
            return b;
        }

        private static String shown(byte[] name) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < name.length && i < SHOWN_NAME_CHARS; i++) {
                int c = name[i] & 0xFF;
                out.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
            }
            return name.length > SHOWN_NAME_CHARS ? out + "…" : out.toString();
        }
    }
}
