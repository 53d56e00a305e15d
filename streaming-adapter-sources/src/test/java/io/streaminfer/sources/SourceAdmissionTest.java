package io.streaminfer.sources;

import io.streaminfer.tck.SampleFrames;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static io.streaminfer.sources.SourceManager.Origin.API;
import static io.streaminfer.sources.SourceManager.Origin.SOURCES_FILE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where local sources may be, by origin, on a real file system with real symbolic links. */
class SourceAdmissionTest {

    @TempDir
    Path dir;

    private Path root() throws Exception {
        return Files.createDirectories(dir.resolve("root"));
    }

    private static SourceDefinition source(Object url) {
        return SourceDefinition.of("cam", url.toString(), "motion", 5);
    }

    private static SourceDefinition source(Object url, SourceDefinition.Kind kind) {
        return new SourceDefinition("cam", url.toString(), "motion", 5, kind);
    }

    @Test
    @DisplayName("through the API, with STREAM_SOURCES_ROOT unset, no local file or folder is accepted, and the refusal names the setting")
    void apiWithoutRoot() throws Exception {
        Path folder = Files.createDirectories(root().resolve("frames"));
        SourceAdmission admission = new SourceAdmission(null, AllowedHosts.any());
        assertThatThrownBy(() -> admission.admit(source(folder), API)).isInstanceOf(SourceRefusedException.class)
                .hasMessageStartingWith("source 'cam': ").hasMessageContaining("STREAM_SOURCES_ROOT")
                .satisfies(e -> assertThat(((SourceRefusedException) e).conflict()).isFalse());
        assertThat(admission.admit(source(folder), SOURCES_FILE).realPath()).isEqualTo(folder.toRealPath());
    }

    @Test
    @DisplayName("through the API, a folder or file under the root is accepted as its real path, and the folder stays confined to the root")
    void apiUnderRoot() throws Exception {
        Path folder = Files.createDirectories(root().resolve("frames"));
        Path clip = Files.write(root().resolve("clip.mp4"), new byte[16]);
        SourceAdmission admission = new SourceAdmission(root(), AllowedHosts.any());
        AdmittedSource admitted = admission.admit(source(folder), API);
        assertThat(admitted.definition().kind()).isEqualTo(SourceDefinition.Kind.FOLDER);
        assertThat(admitted.realPath()).isEqualTo(folder.toRealPath());
        assertThat(admitted.confinedTo()).isEqualTo(root().toRealPath());
        assertThat(admission.admit(source("file://" + clip), API).realPath()).isEqualTo(clip.toRealPath());
        assertThat(admission.admit(source(root() + "/frames/../clip.mp4"), API).realPath()).isEqualTo(clip.toRealPath());
    }

    @Test
    @DisplayName("through the API, a path outside the root is refused however it is written: absolute, with '..', a symbolic link out, /proc")
    void apiOutsideRoot() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.write(outside.resolve("secret.jpg"), SampleFrames.coffee());
        Path link = Files.createSymbolicLink(root().resolve("escape"), outside);
        Path linkToEtc = Files.createSymbolicLink(root().resolve("etc"), Path.of("/etc"));
        SourceAdmission admission = new SourceAdmission(root(), AllowedHosts.any());
        for (SourceDefinition hostile : new SourceDefinition[] {
            source(outside), source(root() + "/../outside"), source("/proc/self/environ"), source("/etc/passwd"),
            source("file:///etc/passwd"), source(root() + "/../../../../../../etc/passwd")}) {
            assertThatThrownBy(() -> admission.admit(hostile, API)).as(hostile.url())
                    .hasMessageContaining("outside the folder STREAM_SOURCES_ROOT names").hasMessageNotContaining(dir.toString());
        }
        for (SourceDefinition viaLink : new SourceDefinition[] {source(link), source(linkToEtc.resolve("passwd")),
            source(linkToEtc, SourceDefinition.Kind.FOLDER)}) {
            assertThatThrownBy(() -> admission.admit(viaLink, API)).as(viaLink.url())
                    .hasMessageContaining("outside the folder STREAM_SOURCES_ROOT names (a symbolic link leads out of it)");
        }
    }

    @Test
    @DisplayName("a path outside the root is refused before its existence is checked: the API does not tell what exists elsewhere")
    void noProbingOutsideTheRoot() throws Exception {
        SourceAdmission admission = new SourceAdmission(root(), AllowedHosts.any());
        String missing = messageOf(admission, source("/no/such/file.mp4"));
        String existing = messageOf(admission, source("/etc/hostname"));
        assertThat(missing).isEqualTo(existing);
    }

    private static String messageOf(SourceAdmission admission, SourceDefinition definition) {
        try {
            admission.admit(definition, API);
            throw new AssertionError("admitted " + definition);
        } catch (SourceRefusedException e) {
            return e.getMessage();
        }
    }

    @Test
    @DisplayName("from either origin, a missing file or folder, or one its kind cannot read, is refused with a sentence")
    void missingOrWrongType() throws Exception {
        Path folder = Files.createDirectories(root().resolve("frames"));
        SourceAdmission admission = new SourceAdmission(root(), AllowedHosts.any());
        for (SourceManager.Origin origin : SourceManager.Origin.values()) {
            assertThatThrownBy(() -> admission.admit(source(root().resolve("gone.mp4")), origin))
                    .hasMessage("source 'cam': no file or folder exists at the URL's path");
            assertThatThrownBy(() -> admission.admit(source(folder, SourceDefinition.Kind.FFMPEG), origin))
                    .hasMessageContaining("the URL's path is not a regular file");
        }
        Path clip = Files.write(root().resolve("clip.mp4"), new byte[16]);
        assertThatThrownBy(() -> admission.admit(source(clip, SourceDefinition.Kind.FOLDER), SOURCES_FILE))
                .hasMessageContaining("the URL's path is not a folder");
        assertThatThrownBy(() -> admission.admit(source("/dev/zero"), SOURCES_FILE))
                .hasMessageContaining("the URL's path is not a regular file");
    }

    @Test
    @DisplayName("the sources file may name any existing absolute path: the operator wrote it")
    void sourcesFileAsWritten() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        SourceAdmission admission = new SourceAdmission(root(), AllowedHosts.any());
        AdmittedSource admitted = admission.admit(source(outside), SOURCES_FILE);
        assertThat(admitted.realPath()).isEqualTo(outside.toRealPath());
        assertThat(admitted.confinedTo()).isNull();
    }

    @Test
    @DisplayName("with STREAM_SOURCES_ALLOWED_HOSTS set, a network source to another host is refused from either origin, naming the setting")
    void allowedHosts() throws Exception {
        SourceAdmission admission = new SourceAdmission(null, AllowedHosts.parse("cam1.example.org,192.168.10.0/24"));
        for (SourceManager.Origin origin : SourceManager.Origin.values()) {
            assertThat(admission.admit(source("rtsp://viewer:pw@cam1.example.org/s"), origin).realPath()).isNull();
            assertThat(admission.admit(source("http://192.168.10.20/video.mjpg"), origin).local()).isFalse();
            assertThatThrownBy(() -> admission.admit(source("http://169.254.169.254/latest/meta-data/", SourceDefinition.Kind.FFMPEG), origin))
                    .hasMessage("source 'cam': the host '169.254.169.254' is not one this server may reach"
                            + " (STREAM_SOURCES_ALLOWED_HOSTS lists them)");
            assertThatThrownBy(() -> admission.admit(source("rtsp://010.0.0.1/s"), origin))
                    .hasMessageContaining("STREAM_SOURCES_ALLOWED_HOSTS");
        }
    }

    @Test
    @DisplayName("a folder confined to the root leaves out files that are symbolic links leading out of it")
    void folderFilesStayInTheRoot() throws Exception {
        Path folder = Files.createDirectories(root().resolve("frames"));
        byte[] inside = SampleFrames.coffee();
        Files.write(folder.resolve("a.jpg"), inside);
        Path secret = Files.write(Files.createDirectories(dir.resolve("outside")).resolve("secret.jpg"), SampleFrames.astronaut());
        Files.createSymbolicLink(folder.resolve("b.jpg"), secret);
        Files.createSymbolicLink(folder.resolve("c.jpg"), folder.resolve("a.jpg")); // inside: kept

        FolderReader confined = FolderReader.open(folder.toRealPath(), root().toRealPath(), 5 << 20);
        assertThat(confined.next()).isEqualTo(inside);
        assertThat(confined.next()).as("b.jpg is left out").isEqualTo(inside);
        assertThat(confined.next()).as("and the folder loops").isEqualTo(inside);
        FolderReader fromTheFile = FolderReader.open(folder.toRealPath(), null, 5 << 20);
        fromTheFile.next();
        assertThat(fromTheFile.next()).as("the sources file's folders are as the operator made them").isEqualTo(SampleFrames.astronaut());
    }
}
