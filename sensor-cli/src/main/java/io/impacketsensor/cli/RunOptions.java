package io.impacketsensor.cli;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Options every command that runs the packet path shares (a picocli mixin). */
final class RunOptions {
    @Option(names = "--eve", paramLabel = "FILE|-",
            description = "write EVE JSON lines (alerts, stats records and, with -P, protocol records) to FILE (appended), or - for stdout")
    String eve;

    @Option(names = {"-P", "--protocol-records"},
            description = "also write protocol records (event_type smb, ntlm, dcerpc, krb5, ldap, http, mssql, rdp, anomaly) to the EVE output")
    boolean protocolRecords;

    @Option(names = "--workers", paramLabel = "N",
            description = "decode workers, 1..64; frames go to worker (symmetric flow hash %% N). Default: 1 (config pipeline.workers)")
    Integer workers;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config file (every key: config/impacket-sensor.yaml; validate with 'config check')")
    Path config;
}
