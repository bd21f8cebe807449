package io.github.chatlog.file;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Issue 16: the default cap on open transcript files follows the descriptor limit and stays well under it. */
class DescriptorBudgetTest {

    @Test
    void halfTheLimitBetweenTheBounds() {
        assertEquals(DescriptorBudget.FALLBACK_FILES, DescriptorBudget.forLimit(-1), "limit unknown");
        assertEquals(DescriptorBudget.MIN_FILES, DescriptorBudget.forLimit(100), "a tiny limit still gets the floor");
        assertEquals(512, DescriptorBudget.forLimit(1024));
        assertEquals(10_000, DescriptorBudget.forLimit(20_000), "10,000 sessions under a 20,000 limit");
        assertEquals(DescriptorBudget.MAX_FILES, DescriptorBudget.forLimit(1_048_576));
    }

    @Test
    void thisProcessGetsACapUnderItsOwnLimit() {
        long limit = DescriptorBudget.descriptorLimit();
        int cap = DescriptorBudget.defaultMaxOpenFiles();
        if (limit > 0) {
            assertTrue(cap <= Math.max(DescriptorBudget.MIN_FILES, limit / 2), cap + " for a limit of " + limit);
        } else {
            assertEquals(DescriptorBudget.FALLBACK_FILES, cap);
        }
    }
}
