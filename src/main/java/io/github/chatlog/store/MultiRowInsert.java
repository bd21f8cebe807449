package io.github.chatlog.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code INSERT … VALUES (…), (…), …} statements of many rows each: a batch is one statement (one round trip) per
 * {@value #MAX_ROWS} rows. Round trips, not rows, are what a remote database (PostgreSQL) costs, the more so on a busy
 * machine, and SQLite loses nothing by it. Statements are kept for the {@value #KEPT} row counts used last: under load
 * batches are full, so the same few sizes recur. The caller binds row {@code r}'s columns from {@code r * columns + 1}.
 */
final class MultiRowInsert implements AutoCloseable {

    /** Rows per statement at most, well within every driver's limit on parameters. */
    static final int MAX_ROWS = 1000;
    /** How many statements (row counts) are kept prepared. */
    static final int KEPT = 8;

    private final Connection connection;
    private final String head;
    private final String row;
    private final String tail;
    final int columns;
    private final Map<Integer, PreparedStatement> bySize = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, PreparedStatement> eldest) {
            if (size() <= KEPT) {
                return false;
            }
            closeQuietly(eldest.getValue());
            return true;
        }
    };

    /**
     * @param head    {@code INSERT INTO table (a, b, c)}
     * @param columns how many columns a row binds
     * @param tail    what follows the rows ({@code ON CONFLICT …}, {@code RETURNING …}), or empty
     */
    MultiRowInsert(Connection connection, String head, int columns, String tail) {
        this.connection = connection;
        this.head = head;
        this.columns = columns;
        this.tail = tail;
        this.row = "(" + "?, ".repeat(columns - 1) + "?)";
    }

    /** How many of {@code remaining} rows the next statement takes. */
    static int chunk(int remaining) {
        return Math.min(MAX_ROWS, remaining);
    }

    /** The statement for {@code rows} rows (1 to {@value #MAX_ROWS}). */
    PreparedStatement rows(int rows) throws SQLException {
        PreparedStatement s = bySize.get(rows);
        if (s == null) {
            StringBuilder sql = new StringBuilder(head.length() + rows * (row.length() + 2) + tail.length() + 8)
                    .append(head).append(" VALUES ");
            for (int i = 0; i < rows; i++) {
                sql.append(i == 0 ? "" : ", ").append(row);
            }
            s = connection.prepareStatement(sql.append(tail.isEmpty() ? "" : " ").append(tail).toString());
            bySize.put(rows, s);
        }
        return s;
    }

    private static void closeQuietly(PreparedStatement s) {
        try {
            s.close();
        } catch (SQLException ignored) {
            // the connection is failing or closing anyway
        }
    }

    @Override
    public void close() {
        bySize.values().forEach(MultiRowInsert::closeQuietly);
        bySize.clear();
    }
}
