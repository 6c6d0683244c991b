package org.poolkit.distribution;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code conf/} folder FileInstall watches. On first use it is created holding the sample data source's file;
 * a folder that exists is left as it is, so a user who deleted the sample does not get it back.
 */
final class SampleConfiguration {

    static final String SAMPLE_FILE = "org.poolkit.datasource-sample.cfg";
    /** The factory PID of a data source; FileInstall reads {@code <factory pid>-<name>.cfg} as one instance. */
    static final String DATA_SOURCE_FILE_PREFIX = "org.poolkit.datasource-";

    private SampleConfiguration() {
    }

    /** @return true if the folder was created, with the sample in it */
    static boolean createIfAbsent(Path conf) throws IOException {
        if (Files.isDirectory(conf)) {
            return false;
        }
        Files.createDirectories(conf);
        try (InputStream sample = SampleConfiguration.class.getResourceAsStream(SAMPLE_FILE)) {
            if (sample == null) {
                throw new IOException(SAMPLE_FILE + " is missing from the jar");
            }
            Files.copy(sample, conf.resolve(SAMPLE_FILE));
        }
        return true;
    }

    /** @return how many data source files the folder holds: the data sources the runtime should come up with */
    static long dataSourceFiles(Path conf) throws IOException {
        try (var files = Files.list(conf)) {
            return files.map(file -> file.getFileName().toString())
                    .filter(name -> name.startsWith(DATA_SOURCE_FILE_PREFIX) && name.endsWith(".cfg"))
                    .count();
        }
    }
}
