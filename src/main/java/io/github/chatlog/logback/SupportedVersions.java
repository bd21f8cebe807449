package io.github.chatlog.logback;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.spi.ContextAware;

/**
 * The Logback and SLF4J the plugin runs on, checked once when its first component starts: logback-classic
 * {@value #MIN_LOGBACK} or later (the key-values and marker list of an {@link ILoggingEvent}) with slf4j-api
 * {@value #MIN_SLF4J} or later (its {@code KeyValuePair}). Below that, each chatlog component reports a status error
 * naming the versions found and does not start, so no logging call ever reaches code that would fail to link.
 *
 * <p>The check asks for what the code uses, not for a version number: a repackaged Logback without a version in its
 * manifest passes when it has the methods. The versions are read from the jars' manifests for the message only.
 */
public final class SupportedVersions {

    /** {@value}: the oldest logback-classic the plugin runs on (the oldest tested: 1.3.15). */
    public static final String MIN_LOGBACK = "1.3.0";
    /** {@value}: the oldest slf4j-api the plugin runs on. */
    public static final String MIN_SLF4J = "2.0.0";

    private static volatile String problem;
    private static volatile boolean checked;

    private SupportedVersions() {
    }

    /**
     * Whether the Logback and SLF4J on the class path are supported; when not, reports a status error on
     * {@code component} (prefixed with {@code name}) saying what was found and what is needed.
     */
    public static boolean check(ContextAware component, String name) {
        String p = problem();
        if (p == null) {
            return true;
        }
        component.addError("[" + name + "] " + p + "; not starting (README: Supported versions)");
        return false;
    }

    /** Why the class path is not supported, or null when it is. */
    static String problem() {
        if (!checked) {
            synchronized (SupportedVersions.class) {
                if (!checked) {
                    problem = findProblem();
                    checked = true;
                }
            }
        }
        return problem;
    }

    private static String findProblem() {
        boolean logbackOk = hasMethod(ILoggingEvent.class, "getKeyValuePairs") && hasMethod(ILoggingEvent.class, "getMarkerList");
        boolean slf4jOk = hasClass("org.slf4j.event.KeyValuePair") && hasClass("org.slf4j.spi.LoggingEventBuilder");
        if (logbackOk && slf4jOk) {
            return null;
        }
        return "logback-chatlog needs logback-classic " + MIN_LOGBACK + " or later and slf4j-api " + MIN_SLF4J
                + " or later; this application has logback-classic " + version(ILoggingEvent.class)
                + " and slf4j-api " + version(loadOrNull("org.slf4j.Logger"));
    }

    private static boolean hasMethod(Class<?> type, String method) {
        try {
            type.getMethod(method);
            return true;
        } catch (NoSuchMethodException | LinkageError e) {
            return false;
        }
    }

    private static boolean hasClass(String name) {
        return loadOrNull(name) != null;
    }

    private static Class<?> loadOrNull(String name) {
        try {
            return Class.forName(name, false, SupportedVersions.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    /** The version in the manifest of the jar holding {@code type} (Logback 1.2 gives only its OSGi one), or "unknown". */
    private static String version(Class<?> type) {
        if (type == null) {
            return "(none)";
        }
        Package p = type.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        if (v == null) {
            try {
                java.security.CodeSource source = type.getProtectionDomain().getCodeSource();
                if (source != null && source.getLocation() != null && source.getLocation().getPath().endsWith(".jar")) {
                    try (java.util.jar.JarFile jar = new java.util.jar.JarFile(new java.io.File(source.getLocation().toURI()))) {
                        java.util.jar.Manifest manifest = jar.getManifest();
                        v = manifest == null ? null : manifest.getMainAttributes().getValue("Bundle-Version");
                    }
                }
            } catch (java.io.IOException | java.net.URISyntaxException | RuntimeException e) {
                v = null; // no version to show: the message says so
            }
        }
        return v == null ? "(version unknown)" : v;
    }
}
