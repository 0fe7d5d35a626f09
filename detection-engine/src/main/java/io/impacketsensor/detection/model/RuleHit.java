package io.impacketsensor.detection.model;

/**
 * A rule that contributed to an analysis: EVE {@code impacket.rules[]}.
 *
 * @param sid        the rule's stable id
 * @param rev        its revision
 * @param name       its unique name
 * @param confidence the highest confidence it contributed
 * @param msg        its one-line message
 */
public record RuleHit(int sid, int rev, String name, double confidence, String msg) {
}
