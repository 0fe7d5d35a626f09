package io.impacketsensor.detection;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;

class SelfTestTest {
    @Test
    void everyScriptedAttackIsDetectedAndNoBenignSequenceIs() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        boolean pass = new SelfTest(new PrintStream(buf, true, StandardCharsets.UTF_8)).run(null);
        String text = buf.toString(StandardCharsets.UTF_8);
        System.out.println(text);
        assertTrue(pass, text);
        assertTrue(text.contains("PsExec Detection: BLOCKED"), text);
        assertTrue(text.contains("Step 1: ALLOWED"), text);
        assertTrue(text.contains("Step 2: BLOCKED"), text);
        assertTrue(text.contains("Step 3: BLOCKED"), text);
        assertTrue(text.contains("WMIExec Detection: BLOCKED"), text);
    }

    @Test
    void oneCategoryRunsAlone() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        boolean pass = new SelfTest(new PrintStream(buf, true, StandardCharsets.UTF_8)).run(SelfTest.Category.LDAP);
        String text = buf.toString(StandardCharsets.UTF_8);
        assertTrue(pass, text);
        assertTrue(text.contains("=== LDAP ===") && !text.contains("=== SMB ==="), text);
    }
}
