package dev.comet.cli;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.util.List;

/**
 * Random object programs as Lua source, for {@link LuaFuzzTest}: a chunk run when the object loads, usually an
 * onGet, now and then onPut, onAnswer, onDelete, onUpdate and a timer, each made of {@link LuaFragments}. About
 * one program in twenty is broken on purpose (cut short, or a stray token put in), which a node must refuse with an
 * error. Generation depends only on jqwik's seed, and shrinking drops handlers and statements and moves choices
 * towards the first (smallest) of each list.
 */
final class LuaPrograms {
    /** The timer interval programs ask for, in milliseconds; the test lets a node honour it. */
    static final long TIMER_MILLIS = 10;
    /** Tokens put into a program to break it; "" cuts the program there instead. */
    private static final Arbitrary<String> STRAY = Arbitraries.of("", "end", ")", "(", "=", "'", "[[", "function",
            "local", "--[[", "goto nowhere", "break", "::x::", "return", "\u0000", "\u001bLua");

    private LuaPrograms() {
    }

    /** Programs, each the source of one object. */
    static Arbitrary<String> programs() {
        Arbitrary<String> chunk = optional(2, 1, LuaFragments.block(1).map(b -> LuaFragments.PRELUDE + "\n" + b));
        // onGet as a global, or as a method of aso (where self is the parameter, not the global)
        Arbitrary<String> onGet = optional(1, 9, Arbitraries.oneOf(
                handler("onGet(caller, args)", LuaFragments.MAX_DEPTH),
                handler("aso:onGet(caller, args)", LuaFragments.MAX_DEPTH)));
        Arbitrary<String> onPut = optional(4, 1, handler("onPut(caller)", 2));
        Arbitrary<String> onAnswer = optional(2, 1, handler("onAnswer(from, value, err)", 2));
        Arbitrary<String> onDelete = optional(4, 1, handler("onDelete(caller)", 2));
        Arbitrary<String> onUpdate = optional(4, 1, handler("onUpdate(caller, incoming)", 2));
        Arbitrary<String> onTimer = optional(6, 1, handler("onTimer()", 2).map(h -> "aso.timerInterval = "
                + TIMER_MILLIS / 1000.0 + "\n" + h));
        Arbitrary<Breakage> breakage = Arbitraries.frequencyOf(List.of(
                Tuple.of(19, Arbitraries.just(Breakage.NONE)),
                Tuple.of(1, Combinators.combine(STRAY, Arbitraries.integers().between(0, 1000)).as(Breakage::new))));
        return Combinators.combine(chunk, onGet, onPut, onAnswer, onDelete, onUpdate, onTimer, breakage)
                .as((c, get, put, answer, delete, update, timer, broken) ->
                        broken.apply(String.join("\n", List.of(c, get, put, answer, delete, update, timer)).strip()))
                // jqwik's edge cases of so many choices are the first and last of each, over and over: no use here,
                // and costly to compute
                .withoutEdgeCases();
    }

    /** A handler function (a global, or a method of aso): the prelude's locals, a block, and an answer. */
    private static Arbitrary<String> handler(String signature, int depth) {
        Arbitrary<String> answer = Arbitraries.oneOf(Arbitraries.of("t", "s", "n", "{t, s, n}", "self", "t, s, n", "nil",
                        "table.unpack(t)", "args and args.a", "caller"),
                LuaFragments.value(Math.min(depth, 2)));
        return LuaFragments.lua("function " + signature + "\n  " + LuaFragments.PRELUDE + "\n  @\n  return @\nend",
                LuaFragments.block(depth).map(b -> b.replace("\n", "\n  ")), answer);
    }

    /** {@code present}, or nothing: weighted absent to present, and shrinking towards absent. */
    private static Arbitrary<String> optional(int absent, int present, Arbitrary<String> piece) {
        return Arbitraries.frequencyOf(List.of(Tuple.of(absent, Arbitraries.just("")), Tuple.of(present, piece)));
    }

    /** How a program is broken: {@code token} put in (or, if empty, the program cut) at {@code perMille} of it. */
    record Breakage(String token, int perMille) {
        static final Breakage NONE = new Breakage(null, 0);

        String apply(String program) {
            if (token == null) {
                return program;
            }
            int at = (int) ((long) program.length() * perMille / 1000);
            return token.isEmpty() ? program.substring(0, at)
                    : program.substring(0, at) + " " + token + " " + program.substring(at);
        }
    }
}
