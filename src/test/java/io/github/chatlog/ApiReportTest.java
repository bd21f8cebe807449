package io.github.chatlog;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The public API, written out and compared with the committed {@code src/test/resources/public-api.txt}, so that a new
 * public class or member, or one that changed or went away, shows up in review as a diff of that file. Until the first
 * release this stands in for the japicmp check of {@code mvn verify}. After a deliberate change:
 * {@code mvn test -Dtest=ApiReportTest -Dchatlog.api.update=true} rewrites the file.
 */
public class ApiReportTest {

    static final Path REPORT = Path.of("src/test/resources/public-api.txt");
    static final Path SOURCES = Path.of("src/main/java");
    private static final Pattern TYPE_DECLARATION = Pattern.compile(
            "^\\s*public\\s+(?:(?:static|final|abstract|sealed|non-sealed|strictfp)\\s+)*(?:class|interface|enum|record|@interface)\\s+(\\w+)");

    @Test
    void publicApiIsTheCommittedOne() throws Exception {
        String actual = String.join("\n", report(compiledClasses())) + "\n";
        if (Boolean.getBoolean("chatlog.api.update")) {
            Files.createDirectories(REPORT.getParent());
            Files.writeString(REPORT, actual, StandardCharsets.UTF_8);
        }
        String committed = Files.exists(REPORT) ? Files.readString(REPORT, StandardCharsets.UTF_8) : "";
        assertEquals(committed, actual, "the public API changed: if that is meant, rewrite " + REPORT
                + " with -Dchatlog.api.update=true and commit it; a new public type or member is a promise to users\n"
                + difference(committed, actual));
    }

    @Test
    void everyPublicTypeSaysWhatItIsFor() throws IOException {
        List<String> undocumented = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java")).sorted()::iterator) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher m = TYPE_DECLARATION.matcher(lines.get(i));
                    if (m.find() && !javadocAbove(lines, i)) {
                        undocumented.add(SOURCES.relativize(file) + ":" + (i + 1) + " " + m.group(1));
                    }
                }
            }
        }
        assertEquals(List.of(), undocumented, "public types without a Javadoc comment saying what they are for");
    }

    @Test
    void theReportSeesANewPublicMember() {
        // the report is only as good as what it sees: a public nested type and its members must appear
        List<String> lines = report(List.of(Sample.class, Sample.Hidden.class));
        String name = Sample.class.getName();
        assertTrue(lines.contains(name + ": public static final class"), lines::toString);
        assertTrue(lines.contains("  public void probe(java.lang.String)"), lines::toString);
        assertTrue(lines.stream().noneMatch(l -> l.contains("Hidden") || l.contains("notApi")), lines::toString);
    }

    /** A stand-in for a class of the library, for {@link #theReportSeesANewPublicMember}. */
    public static final class Sample {
        public void probe(String s) {
        }

        void notApi() {
        }

        static final class Hidden {
            public void notApiEither() {
            }
        }
    }

    /** One line per public type, then one indented line per public or protected member, sorted. */
    static List<String> report(List<Class<?>> classes) {
        List<String> out = new ArrayList<>();
        for (Class<?> c : classes) {
            if (!visible(c)) {
                continue;
            }
            out.add(c.getName() + ": " + kind(c));
            TreeSet<String> members = new TreeSet<>();
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (api(k, c)) {
                    members.add(member(k, c));
                }
            }
            for (Method m : c.getDeclaredMethods()) {
                if (api(m, c) && !m.isBridge()) {
                    members.add(member(m, c));
                }
            }
            for (Field f : c.getDeclaredFields()) {
                if (api(f, c)) {
                    members.add("  " + f.toGenericString().replace(c.getTypeName() + ".", ""));
                }
            }
            out.addAll(members);
        }
        return out;
    }

    /** Every class compiled from {@code src/main/java}, sorted by name. */
    static List<Class<?>> compiledClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(ChatlogVersion.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> names;
        try (Stream<Path> files = Files.walk(root)) {
            names = files.filter(p -> p.toString().endsWith(".class"))
                    .map(p -> root.relativize(p).toString().replace('/', '.').replace('\\', '.'))
                    .map(n -> n.substring(0, n.length() - ".class".length()))
                    .sorted().collect(Collectors.toList());
        }
        List<Class<?>> classes = new ArrayList<>();
        for (String n : names) {
            classes.add(Class.forName(n, false, ApiReportTest.class.getClassLoader()));
        }
        return classes;
    }

    /** Public, and reachable from outside: every enclosing class public too, and neither local nor anonymous. */
    private static boolean visible(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass() || k.isSynthetic()) {
                return false;
            }
        }
        return true;
    }

    private static boolean api(Member m, Class<?> owner) {
        int mod = m.getModifiers();
        boolean subclassable = !Modifier.isFinal(owner.getModifiers()) && !owner.isEnum() && !owner.isRecord();
        return !m.isSynthetic() && (Modifier.isPublic(mod) || (Modifier.isProtected(mod) && subclassable));
    }

    private static String member(Executable e, Class<?> owner) {
        return "  " + e.toGenericString().replace(owner.getTypeName() + ".", "").replace(owner.getTypeName() + "(", "new(");
    }

    private static String kind(Class<?> c) {
        String kind = c.isAnnotation() ? "@interface" : c.isInterface() ? "interface" : c.isEnum() ? "enum"
                : c.isRecord() ? "record" : "class";
        int mod = c.getModifiers() & ~(Modifier.INTERFACE | Modifier.STATIC | Modifier.FINAL | Modifier.ABSTRACT);
        String rest = Modifier.toString(mod);
        if (Modifier.isStatic(c.getModifiers()) && c.isMemberClass() && !c.isInterface() && !c.isEnum() && !c.isRecord()) {
            rest += " static";
        }
        if (!c.isInterface() && !c.isEnum() && !c.isRecord()) {
            if (Modifier.isFinal(c.getModifiers())) {
                rest += " final";
            } else if (Modifier.isAbstract(c.getModifiers())) {
                rest += " abstract";
            }
        }
        return rest + " " + kind;
    }

    /**
     * True when the nearest comment above {@code line}, past annotations (which may span lines), is a
     * {@code /** ... *}{@code /} comment; false when code comes first.
     */
    private static boolean javadocAbove(List<String> lines, int line) {
        for (int i = line - 1; i >= 0; i--) {
            String l = lines.get(i).trim();
            if (l.endsWith("*/")) {
                while (i >= 0 && !lines.get(i).contains("/*")) {
                    i--;
                }
                return i >= 0 && lines.get(i).contains("/**");
            }
            if (l.endsWith(";") || l.endsWith("{") || l.equals("}")) {
                return false;
            }
        }
        return false;
    }

    /** The lines only one side has, marked - (committed) and + (now), so the failure message says what changed. */
    private static String difference(String committed, String actual) {
        List<String> was = committed.lines().collect(Collectors.toList());
        List<String> now = actual.lines().collect(Collectors.toList());
        StringBuilder out = new StringBuilder();
        was.stream().filter(l -> !now.contains(l)).forEach(l -> out.append("- ").append(l).append('\n'));
        now.stream().filter(l -> !was.contains(l)).forEach(l -> out.append("+ ").append(l).append('\n'));
        return out.toString();
    }
}
