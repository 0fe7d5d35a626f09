package io.impacketsensor.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stated reasons of the perturbation tests: per mode, the captures whose evidence does not
 * survive and why, and the check that holds each reason to the verdicts `evaluate` printed. A reason
 * must stay true both ways: a capture missed without one is a regression, a listed capture detected
 * again leaves the list.
 */
final class LostEvidence {
    /** Mode → capture → why its evidence does not survive that mode. */
    private final Map<String, Map<String, String>> byMode = new LinkedHashMap<>();

    /** Records the reason for each capture; a capture named twice for one mode is a mistake in the list. */
    void lost(String mode, String why, String... captures) {
        Map<String, String> m = byMode.computeIfAbsent(mode, k -> new LinkedHashMap<>());
        for (String c : captures) {
            if (m.put(c, why) != null) {
                throw new IllegalStateException(mode + " " + c + " listed twice");
            }
        }
    }

    Map<String, String> in(String mode) {
        return byMode.getOrDefault(mode, Map.of());
    }

    /**
     * What contradicts the list under one mode: a benign capture not silent, a missed capture with
     * no reason, a listed capture detected, a capture that could not be evaluated.
     */
    List<String> problems(String mode, List<EvaluateCommand.Entry> entries, Map<String, String> verdicts) {
        Map<String, String> lostHere = in(mode);
        List<String> problems = new ArrayList<>();
        for (EvaluateCommand.Entry e : entries) {
            String v = verdicts.get(e.file());
            if (e.expected().trim().equals("none")) {
                if (!v.equals("silent")) {
                    problems.add(e.file() + " is benign but " + v);
                }
            } else if (v.equals("missed") && !lostHere.containsKey(e.file())) {
                problems.add(e.file() + " missed, and no reason says its evidence is lost under " + mode);
            } else if (v.equals("detected") && lostHere.containsKey(e.file())) {
                problems.add(e.file() + " is detected, but listed as lost under " + mode);
            } else if (v.equals("error")) {
                problems.add(e.file() + " could not be evaluated");
            }
        }
        return problems;
    }
}
