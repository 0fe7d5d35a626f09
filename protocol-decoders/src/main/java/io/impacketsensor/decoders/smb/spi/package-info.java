/**
 * What the SMB protocol versions implement and use: {@link io.impacketsensor.decoders.smb.spi.SmbMessageAnalyzer},
 * the analyzer of one version's messages, and {@link io.impacketsensor.decoders.smb.spi.NbssStream}, the framing
 * of one direction. They live apart from {@code decoders.smb}, which creates the SMB1 and SMB2 analyzers, so that
 * neither version imports the other nor the package that frames them.
 */
package io.impacketsensor.decoders.smb.spi;
