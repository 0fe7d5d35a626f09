/**
 * Persistent sensor state: the blocklist file and crash-safe file replacement.
 */
package io.impacketsensor.detection.state;
