package io.github.chatlog.file;

import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Removes (deletes, or compresses away) a log file that a writer of this or another process may be about to append
 * to: under the file's slots of the {@link DirectoryLock}, the slots every {@link RollingFileSink} takes for each write,
 * the file's attributes are read again and the removal happens only if it is still due; then the slots' generation is
 * bumped, so a writer that held the file open moves to a new file at the path before it writes again. Without this, a
 * decision taken on a stale modification time deletes entries appended between the decision and the deletion.
 */
final class CoordinatedRemoval {

    /** What removes the file; runs under the lock. */
    interface Removal {
        void remove(Path file, BasicFileAttributes attributes) throws IOException;
    }

    /** For tests: runs under the lock, after the check and before the removal (the interleaving point). */
    static volatile Runnable beforeRemoval = () -> { };

    private CoordinatedRemoval() {
    }

    /**
     * Removes {@code file} when {@code stillDue} holds for its attributes read under the lock (null: coordinate with
     * no one). Returns false when the file is gone or was written to meanwhile.
     */
    static boolean remove(DirectoryLock lock, Path file, Predicate<BasicFileAttributes> stillDue, Removal removal)
            throws IOException {
        if (lock == null) {
            return removeIfDue(file, stillDue, removal);
        }
        // the slot of the path as a writer names it, and of the real path when a link leads there another way
        TreeSet<Integer> slots = new TreeSet<>();
        Path absolute = file.toAbsolutePath().normalize();
        slots.add(DirectoryLock.slotOf(absolute.toString()));
        try {
            slots.add(DirectoryLock.slotOf(absolute.getParent().toRealPath().resolve(absolute.getFileName()).toString()));
        } catch (IOException e) {
            // the folder is gone: so is the file, removeIfDue finds out
        }
        Integer[] ordered = slots.toArray(new Integer[0]); // always in the same order: no two removers deadlock
        FileLock[] held = new FileLock[ordered.length];
        int taken = 0;
        try {
            for (; taken < ordered.length; taken++) {
                held[taken] = lock.lock(ordered[taken]);
            }
            boolean removed = removeIfDue(file, stillDue, removal);
            if (removed) {
                for (int slot : ordered) {
                    lock.bumpGeneration(slot); // a writer with the file open reopens the path before its next write
                }
            }
            return removed;
        } finally {
            for (int i = taken - 1; i >= 0; i--) {
                lock.unlock(ordered[i], held[i]);
            }
        }
    }

    private static boolean removeIfDue(Path file, Predicate<BasicFileAttributes> stillDue, Removal removal)
            throws IOException {
        BasicFileAttributes now;
        try {
            now = java.nio.file.Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException gone) {
            return false;
        }
        if (!now.isRegularFile() || !stillDue.test(now)) {
            return false;
        }
        beforeRemoval.run();
        removal.remove(file, now);
        return true;
    }
}
