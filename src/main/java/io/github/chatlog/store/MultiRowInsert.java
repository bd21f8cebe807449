package io.github.chatlog.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * {@code INSERT … VALUES (…), (…), …} statements of many rows each: a batch is one statement per {@value #MAX_ROWS}
 * rows, then one per power of two for the rest (37 rows: 32, 4 and 1), so that a connection prepares a dozen
 * statements at most and reuses them. Fewer round trips and statements is what makes a remote database (PostgreSQL)
 * keep up, and it costs SQLite nothing. The caller binds row {@code r}'s columns from {@code r * columns + 1} on.
 */
final class MultiRowInsert implements AutoCloseable {

    /** Rows per statement at most, well within every driver's limit on parameters (a power of two). */
    static final int MAX_ROWS = 256;

    private final Connection connection;
    private final String head;
    private final String row;
    private final String tail;
    final int columns;
    private final PreparedStatement[] bySize = new PreparedStatement[MAX_ROWS + 1];

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

    /** How many of {@code remaining} rows the next statement takes: {@value #MAX_ROWS}, or a power of two. */
    static int chunk(int remaining) {
        return Math.min(MAX_ROWS, Integer.highestOneBit(remaining));
    }

    /** The statement for {@code rows} rows (1 to {@value #MAX_ROWS}). */
    PreparedStatement rows(int rows) throws SQLException {
        PreparedStatement s = bySize[rows];
        if (s == null) {
            StringBuilder sql = new StringBuilder(head.length() + rows * (row.length() + 2) + tail.length() + 8)
                    .append(head).append(" VALUES ");
            for (int i = 0; i < rows; i++) {
                sql.append(i == 0 ? "" : ", ").append(row);
            }
            s = connection.prepareStatement(sql.append(tail.isEmpty() ? "" : " ").append(tail).toString());
            bySize[rows] = s;
        }
        return s;
    }

    @Override
    public void close() {
        for (int i = 0; i < bySize.length; i++) {
            if (bySize[i] != null) {
                try {
                    bySize[i].close();
                } catch (SQLException ignored) {
                    // the connection is closing anyway
                }
                bySize[i] = null;
            }
        }
    }
}
