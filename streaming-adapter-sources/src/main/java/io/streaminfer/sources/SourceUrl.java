package io.streaminfer.sources;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A source's URL read once, the way FFmpeg would read it, and checked: the scheme is what comes
 * before the first {@code :} (RFC 3986, {@code [A-Za-z][A-Za-z0-9+.-]*:}), not only before
 * {@code ://}, so FFmpeg's own pseudo-protocols ({@code concat:}, {@code subfile,...:},
 * {@code pipe:}, {@code data:}, {@code crypto:}) cannot pass for local files. Only the schemes a
 * source reads are accepted, a network URL must name a host, a local one is an absolute path (its
 * {@code ..} segments resolved), and no query may make FFmpeg listen or bind a local address.
 *
 * <p>What the file system and the operator's allow-lists say is checked later, when the source is
 * added ({@link SourceAdmission}); this class only reads the text.
 */
final class SourceUrl {

    /** What a source accepts, for the messages. */
    static final String ACCEPTED = "rtsp://, rtsps://, rtmp://, rtmps://, srt://, udp://, rtp://, tcp:// (read by FFmpeg),"
            + " http:// or https:// (an MJPEG stream, or HLS with \"kind\": \"ffmpeg\"), or a local video file or folder"
            + " of JPEGs as an absolute path or a file:// URL";

    private static final Pattern SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*):");
    private static final Set<String> NETWORK = Set.of("rtsp", "rtsps", "rtmp", "rtmps", "srt", "udp", "rtp", "tcp",
            "http", "https");
    /** Query options that make FFmpeg accept connections or choose its local end, on any protocol. */
    private static final Set<String> BINDING = Set.of("listen", "listen_timeout", "localport", "local_port",
            "localaddr", "local_addr", "localip", "localrtpport", "localrtcpport", "rtcpport", "reuse", "reuse_socket");
    /**
     * The only query options of the raw socket protocols: their other options choose local ports
     * and addresses or make FFmpeg listen, so a rule of what is allowed is simpler to trust than
     * a list of what is not.
     */
    private static final Map<String, Set<String>> SOCKET_OPTIONS = Map.of(
            "tcp", Set.of("timeout"),
            "udp", Set.of("timeout", "buffer_size", "fifo_size", "overrun_nonfatal", "sources", "block"),
            "rtp", Set.of("timeout", "buffer_size", "sources", "block"));

    private final String scheme;
    private final Path path;
    private final URI uri;

    private SourceUrl(String scheme, Path path, URI uri) {
        this.scheme = scheme;
        this.path = path;
        this.uri = uri;
    }

    /**
     * @param id  the source's id, for the messages
     * @param url the URL as written
     * @return it read
     * @throws IllegalArgumentException with a sentence for humans when it is not accepted
     */
    static SourceUrl parse(String id, String url) {
        String where = "source '" + id + "': ";
        Matcher matcher = SCHEME.matcher(url);
        if (!matcher.find()) {
            return new SourceUrl("file", absolutePath(where, url), null);
        }
        String scheme = matcher.group(1).toLowerCase(Locale.ROOT);
        if (scheme.equals("file")) {
            return new SourceUrl(scheme, fileUrl(where, url), null);
        }
        if (!NETWORK.contains(scheme)) {
            throw new IllegalArgumentException(where + "the URL scheme '" + shorten(scheme) + "' is not accepted; a source"
                    + " reads " + ACCEPTED);
        }
        // FFmpeg's protocols take their options from the first '?' on and know no fragment: a '#' (Java's
        // fragment, never checked as a query) or a second '?' would hand FFmpeg options nobody checked
        if (url.indexOf('#') >= 0) {
            throw new IllegalArgumentException(where + "a " + scheme + " URL has no fragment: FFmpeg would read what"
                    + " follows '#' as part of the URL (write a '#' in a password as %23)");
        }
        if (url.indexOf('?') != url.lastIndexOf('?')) {
            throw new IllegalArgumentException(where + "a " + scheme + " URL has one '?' before its options (write a"
                    + " '?' in a password or an option as %3F)");
        }
        URI uri = networkUrl(where, scheme, url);
        checkQuery(where, scheme, uri.getRawQuery());
        return new SourceUrl(scheme, null, uri);
    }

    /** @return the scheme in lower case; {@code file} for a local path */
    String scheme() {
        return scheme;
    }

    /** @return whether it names a local file or folder */
    boolean local() {
        return path != null;
    }

    /** @return the local path, absolute and normalised ({@code ..} resolved); only for a local URL */
    Path path() {
        return path;
    }

    /** @return a network URL's host in lower case, IPv6 literals without brackets; only for a network URL */
    String host() {
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** @return a network URL as FFmpeg is given it: as written, its scheme in lower case (FFmpeg's names are) */
    String forFfmpeg() {
        String written = uri.toString();
        return scheme + written.substring(written.indexOf(':'));
    }

    private static Path absolutePath(String where, String url) {
        Path path;
        try {
            path = Path.of(url);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(where + "the URL is not a valid path; a source reads " + ACCEPTED);
        }
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException(where + "the URL is neither a URL with an accepted scheme nor an absolute"
                    + " path (write a local file or folder as an absolute path, such as /srv/frames); a source reads "
                    + ACCEPTED);
        }
        return path.normalize();
    }

    private static Path fileUrl(String where, String url) {
        String usage = where + "a file URL names a local file or folder as file:///absolute/path, with no host or query";
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(usage);
        }
        if (uri.isOpaque() || uri.getRawQuery() != null || uri.getRawFragment() != null
                || (uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty())
                || uri.getPath() == null || !uri.getPath().startsWith("/")) {
            throw new IllegalArgumentException(usage);
        }
        try {
            return Path.of(uri.getPath()).normalize(); // percent-decoded, as the file system names it
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(usage);
        }
    }

    private static URI networkUrl(String where, String scheme, String url) {
        String usage = where + "a " + scheme + " URL is written " + scheme + "://host[:port]/path";
        String encoding = usage + ", with special characters of the user and password percent-encoded ('@' as %40,"
                + " ':' as %3A)";
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(encoding);
        }
        if (uri.isOpaque() || uri.getRawAuthority() == null) {
            throw new IllegalArgumentException(usage + ": it names no host");
        }
        try {
            // the JDK's parser, strict about the authority: a host FFmpeg and the JDK would read differently
            // (an unescaped '@' in a password, say) is refused rather than guessed at
            uri = uri.parseServerAuthority();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(uri.getRawAuthority().contains("@") ? encoding
                    : usage + ": it names no valid host");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException(usage + ": it names no host");
        }
        return uri;
    }

    private static void checkQuery(String where, String scheme, String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return;
        }
        Set<String> allowed = SOCKET_OPTIONS.get(scheme);
        for (String parameter : rawQuery.split("&")) {
            int equals = parameter.indexOf('=');
            String rawName = equals < 0 ? parameter : parameter.substring(0, equals);
            String name = decode(rawName).toLowerCase(Locale.ROOT);
            String value = equals < 0 ? "" : decode(parameter.substring(equals + 1)).toLowerCase(Locale.ROOT);
            if (BINDING.contains(name) || BINDING.contains(rawName.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException(where + "the URL's option '" + shorten(name) + "' would make the server"
                        + " listen or bind a local address; a source only connects out");
            }
            if (scheme.equals("srt") && name.equals("mode") && !value.equals("caller")) {
                throw new IllegalArgumentException(where + "an SRT source connects out (mode=caller); mode '"
                        + shorten(value) + "' would make the server listen");
            }
            if (allowed != null && !allowed.contains(name)) {
                throw new IllegalArgumentException(where + "a " + scheme + ":// URL takes no option '" + shorten(name)
                        + "'; its options are " + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    static String shorten(String text) {
        String printable = text.replaceAll("[^\\x20-\\x7E]", "?");
        return printable.length() > 64 ? printable.substring(0, 64) + "..." : printable;
    }
}
