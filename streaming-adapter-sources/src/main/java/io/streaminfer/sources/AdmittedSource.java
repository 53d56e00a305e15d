package io.streaminfer.sources;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A source that passed {@link SourceAdmission}, with what the checks resolved: the real path of
 * a local file or folder (symbolic links resolved, so what runs is what was checked) and, for a
 * folder added through the management API, the folder its files must stay in.
 *
 * @param definition the source as defined
 * @param realPath   the real path of a local file or folder; {@literal null} for a network source
 * @param confinedTo the real path of {@code STREAM_SOURCES_ROOT} for a local source added through
 *                   the API; {@literal null} otherwise
 */
record AdmittedSource(SourceDefinition definition, Path realPath, Path confinedTo) {

    AdmittedSource {
        Objects.requireNonNull(definition, "definition");
    }

    /** @return whether it reads a local file or folder */
    boolean local() {
        return realPath != null;
    }
}
