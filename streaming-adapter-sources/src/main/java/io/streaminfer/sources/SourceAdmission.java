package io.streaminfer.sources;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Decides, when a source is added, whether it may run on this server: a network source only to a
 * host of {@code STREAM_SOURCES_ALLOWED_HOSTS} (when set); a local file or folder only if it
 * exists, is what its kind reads, and, when it comes through the management API, lies under
 * {@code STREAM_SOURCES_ROOT} once symbolic links are resolved. The sources file is the
 * operator's own: its absolute paths are taken as written. Thread-safe (immutable).
 *
 * <p>The root is a defence against whoever holds the management token (or, in open mode, a local
 * process): without it, a POST could make the server read any file it can, and serve the
 * pictures FFmpeg makes of it. Paths are checked lexically first (an API caller learns nothing of
 * what exists outside the root), then by their real path.
 */
final class SourceAdmission {

    static final String ROOT_VARIABLE = "STREAM_SOURCES_ROOT";
    static final String HOSTS_VARIABLE = "STREAM_SOURCES_ALLOWED_HOSTS";

    private final Path root;
    private final AllowedHosts hosts;

    /**
     * @param root  the folder local sources of the API must be in, absolute; {@literal null} for none allowed
     * @param hosts the hosts network sources may reach
     */
    SourceAdmission(Path root, AllowedHosts hosts) {
        this.root = root == null ? null : root.toAbsolutePath().normalize();
        this.hosts = hosts;
    }

    /**
     * @param definition the source
     * @param origin     where it was defined
     * @return it with its local path resolved
     * @throws SourceRefusedException with a sentence for humans (no path: the API shows it)
     */
    AdmittedSource admit(SourceDefinition definition, SourceManager.Origin origin) throws SourceRefusedException {
        String where = "source '" + definition.id() + "': ";
        SourceUrl url = definition.location();
        if (!url.local()) {
            if (!hosts.allows(url.host())) {
                throw refused(where + "the host '" + SourceUrl.shorten(url.host()) + "' is not one this server may reach ("
                        + HOSTS_VARIABLE + " lists them)");
            }
            return new AdmittedSource(definition, null, null);
        }
        Path confinedTo = null;
        if (origin == SourceManager.Origin.API) {
            if (root == null) {
                throw refused(where + "local files and folders can be added through the API only under the folder "
                        + ROOT_VARIABLE + " names, and it is not set; add them to the sources file, or set " + ROOT_VARIABLE);
            }
            confinedTo = realRoot(where);
            if (!url.path().startsWith(root) && !url.path().startsWith(confinedTo)) {
                throw refused(outside(where, ""));
            }
        }
        Path real;
        try {
            real = url.path().toRealPath();
        } catch (NoSuchFileException e) {
            throw refused(where + "no file or folder exists at the URL's path");
        } catch (IOException | SecurityException e) {
            throw refused(where + "the URL's path cannot be read by the server");
        }
        if (confinedTo != null && !real.startsWith(confinedTo)) {
            throw refused(outside(where, " (a symbolic link leads out of it)"));
        }
        switch (definition.kind()) {
            case FOLDER -> {
                if (!Files.isDirectory(real)) {
                    throw refused(where + "the URL's path is not a folder");
                }
            }
            case FFMPEG -> {
                if (!Files.isRegularFile(real)) {
                    throw refused(where + "the URL's path is not a regular file (a folder of JPEGs is read with"
                            + " \"kind\": \"folder\")");
                }
            }
            case MJPEG -> throw new IllegalStateException("an MJPEG source with a local path"); // refused by the definition
        }
        return new AdmittedSource(definition, real, confinedTo);
    }

    private Path realRoot(String where) throws SourceRefusedException {
        try {
            return root.toRealPath();
        } catch (IOException | SecurityException e) {
            throw refused(where + "the folder " + ROOT_VARIABLE + " names no longer exists");
        }
    }

    private static String outside(String where, String how) {
        return where + "the URL's path is outside the folder " + ROOT_VARIABLE + " names" + how + "; sources added through"
                + " the API must be in it";
    }

    private static SourceRefusedException refused(String message) {
        return new SourceRefusedException(message, false);
    }
}
