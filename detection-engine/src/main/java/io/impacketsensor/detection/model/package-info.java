/**
 * The detection vocabulary: attack types, severities, actions and the records the engine returns
 * ({@link io.impacketsensor.detection.model.AnalysisResult}, {@link io.impacketsensor.detection.model.Statistics},
 * {@link io.impacketsensor.detection.model.BlockEntry}, ...). The engine, response and configuration
 * packages use these types, and the façade {@link io.impacketsensor.detection.ImpacketProtection}
 * returns them; keeping them out of the façade's package lets the façade depend on the engine
 * without the engine depending back on it.
 */
package io.impacketsensor.detection.model;
