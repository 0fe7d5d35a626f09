package io.impacketsensor.detection.rules;

/**
 * The shape of an SMB file name as one bit set, for the {@code smb.file_shape} field: the names
 * Impacket's tools give the files they leave on a target (INDICATORS.md §2). Computed once per name:
 * every rule over the field tests bits of the same value, on the busiest event kind (file reads and writes).
 */
public final class SmbFileShape {
    /** An Impacket output file: {@code __output[_<8 letters>]}, {@code __<epoch>[.frac]}, {@code __<5+ digits>}. */
    public static final int OUTPUT_FILE = 1;
    /** The last component starts with {@code __output} (smbexec). */
    public static final int OUTPUT_PREFIX = 1 << 1;
    /** The last component has no extension (dcomexec's {@code __<digits>}). */
    public static final int NO_EXTENSION = 1 << 2;
    /** {@code Temp\<8 letters>.tmp} or {@code System32\<8 letters>.tmp} (atexec, secretsdump). */
    public static final int TEMP_TMP = 1 << 3;
    /** The path runs through {@code system32\}. */
    public static final int SYSTEM32 = 1 << 4;
    /** An {@code .exe}. */
    public static final int EXE = 1 << 5;
    /** {@code <8 letters>.exe} (psexec's uploaded service binary). */
    public static final int RANDOM_EXE = 1 << 6;

    private SmbFileShape() {
    }

    /** The last name judged on this thread and its shape (engines run on several worker threads). */
    private static final class Last {
        String name;
        int shape;
    }

    private static final ThreadLocal<Last> LAST = ThreadLocal.withInitial(Last::new);

    /** The shape of {@code name} (0 for null or empty); no allocation. */
    public static int of(String name) {
        if (name == null || name.isEmpty()) {
            return 0;
        }
        Last l = LAST.get();
        if (l.name != name) {
            l.shape = compute(name);
            l.name = name;
        }
        return l.shape;
    }

    static int compute(String name) {
        // The last component's start is found once (a scan from the end) for every test below.
        int s = 0;
        int b = Text.baseStart(name);
        if (Text.outputFile(name, b)) {
            s |= OUTPUT_FILE;
        }
        if (Text.regionMatches(name, b, "__output", 0, 8)) {
            s |= OUTPUT_PREFIX;
        }
        if (name.indexOf('.', b) < 0) {
            s |= NO_EXTENSION;
        }
        boolean system32 = Text.contains(name, 0, "system32\\", SYSTEM32_ANCHOR);
        if (system32) {
            s |= SYSTEM32;
        }
        if (Text.randomFile(name, b, ".tmp") && (system32 || Text.contains(name, 0, "temp\\", TEMP_ANCHOR))) {
            s |= TEMP_TMP;
        }
        if (Text.endsWith(name, ".exe")) {
            s |= EXE;
            if (Text.randomFile(name, b, ".exe")) {
                s |= RANDOM_EXE;
            }
        }
        return s;
    }

    private static final int SYSTEM32_ANCHOR = Text.anchor("system32\\");
    private static final int TEMP_ANCHOR = Text.anchor("temp\\");
}
