package dev.comet.sim;

import java.util.HashMap;
import java.util.Map;

/** What tests compare of a simulation's report. */
final class Reports {
    private Reports() {
    }

    /** {@code report} without the fields that measure the run ({@link RunCost#MEASURED_FIELDS}): its seeded result. */
    static Map<String, Object> withoutMeasurements(Map<String, Object> report) {
        Map<String, Object> result = new HashMap<>(report);
        RunCost.MEASURED_FIELDS.forEach(result::remove);
        return result;
    }
}
