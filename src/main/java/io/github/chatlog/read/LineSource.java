package io.github.chatlog.read;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads the complete lines of a log file or gzip archive, split on {@code \n} only. A final line without its line
 * break (a write cut short by a crash, or one still being written) is not returned.
 */
final class LineSource implements Closeable {

    private final Reader reader;
    private final char[] chunk = new char[32 * 1024];
    private int pos;
    private int limit;
    private final StringBuilder line = new StringBuilder(256);

    private LineSource(InputStream in) {
        this.reader = new InputStreamReader(in, StandardCharsets.UTF_8);
    }

    static LineSource open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        try {
            if (file.getFileName().toString().endsWith(".gz")) {
                in = new GZIPInputStream(in, 64 * 1024);
            }
            return new LineSource(in);
        } catch (IOException e) {
            in.close();
            throw e;
        }
    }

    /** A source with no lines: a file that does not exist (yet). */
    static LineSource empty() {
        return new LineSource(InputStream.nullInputStream());
    }

    /** The next complete line without its {@code \n}, or null at the end. */
    String next() throws IOException {
        line.setLength(0);
        while (true) {
            if (pos == limit) {
                limit = reader.read(chunk, 0, chunk.length);
                pos = 0;
                if (limit < 0) {
                    limit = 0;
                    return null; // an unterminated last line is incomplete
                }
            }
            for (int i = pos; i < limit; i++) {
                if (chunk[i] == '\n') {
                    line.append(chunk, pos, i - pos);
                    pos = i + 1;
                    return line.toString();
                }
            }
            line.append(chunk, pos, limit - pos);
            pos = limit;
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
