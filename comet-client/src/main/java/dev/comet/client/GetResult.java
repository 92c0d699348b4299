package dev.comet.client;

import java.util.List;

/** What a get found: the key, its target in hex and the answers (one, or one per replica with {@code all}). */
public record GetResult(String key, String target, List<Answer> answers) {
    public GetResult {
        answers = List.copyOf(answers);
    }

    /** The first successful answer's value (a get without {@code all} has exactly one answer). */
    public Object value() {
        return answers.stream().filter(Answer::ok).findFirst().map(Answer::value).orElse(null);
    }
}
