package io.github.chatlog.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The databases the store runs on, for tests that run the same code against each ({@code @EnumSource}): a fresh,
 * empty store per call, and plain JDBC queries to look at what was stored.
 */
public enum StoreBackend {

    SQLITE {
        @Override
        public String newStore(Path dir, String name) {
            return "jdbc:sqlite:" + dir.resolve(name + ".db");
        }
    },
    POSTGRES {
        @Override
        public String newStore(Path dir, String name) {
            return PostgresServer.shared().newDatabase(name);
        }
    };

    /** The URL of a new, empty store; SQLite's is a file in {@code dir}. */
    public abstract String newStore(Path dir, String name);

    /** The rows of a query, each column as text. */
    public static List<List<String>> rows(String url, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    /** A count query's answer. */
    public static long count(String url, String sql) {
        try {
            return Long.parseLong(rows(url, sql).get(0).get(0));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first column of every row. */
    public static List<String> column(String url, String sql) throws SQLException {
        return rows(url, sql).stream().map(r -> r.get(0)).toList();
    }
}
