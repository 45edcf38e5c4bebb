package io.tagsync.store;

import com.zaxxer.hikari.HikariDataSource;
import io.tagsync.run.OwnerOnly;
import io.tagsync.run.TagsyncProperties;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;
import org.h2.api.ErrorCode;
import org.h2.tools.Server;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.datasource.AbstractDataSource;
import org.springframework.stereotype.Component;

/**
 * Lets several tagsync processes use one H2 repository file ({@code jdbc:h2:file:...}, the default): the first
 * run to open the file keeps it open in its own JVM and serves it to the others over TCP on 127.0.0.1, behind a
 * random key that it writes, readable by its owner only, to {@code <file>.server}. The file's folder and the
 * files of the repository are its owner's alone ({@link OwnerOnly}), whatever the umask. A process that finds the file
 * open elsewhere reads that key and connects through it, so {@code status} works during a run and runs of other
 * inputs go side by side; two processes on the same run are still told apart by {@link RunLock}.
 *
 * <p>The serving process does not exit while other processes are connected: when its own run is over it waits
 * for them (and says so), since H2 would roll back their open transactions and drop their connections; stopped by
 * a signal, it waits for them up to 60 s. Killed, it cannot wait: the others' pools then find the file again
 * ({@link HandOver}), and the first to get there opens and serves it. {@code status} never serves ({@code tagsync.repository.serve=false}), so that a run started beside it
 * does not keep it waiting; a run that finds the file held by a process that does not serve waits for it for up
 * to {@code tagsync.repository.lock-wait} (15 s).
 *
 * <p>H2's own automatic mixed mode ({@code AUTO_SERVER=TRUE}) would do the serving, but it needs H2's shutdown
 * hook ({@code DB_CLOSE_ON_EXIT=TRUE}), which closes the database under a run that SIGTERM is stopping.
 */
@Component
public class SharedH2Repository implements BeanPostProcessor, EnvironmentAware, DisposableBean {

    static {
        // H2 reads this once, when its first server starts: the TCP server listens on loopback only
        if (System.getProperty("h2.bindAddress") == null) {
            System.setProperty("h2.bindAddress", "127.0.0.1");
        }
    }

    private static final Logger log = LoggerFactory.getLogger(SharedH2Repository.class);
    private static final String FILE_PREFIX = "jdbc:h2:file:";
    private static final Duration RETRY = Duration.ofMillis(200);
    private static final Duration SIGNAL_GRACE = Duration.ofSeconds(60);

    /**
     * Stopped by a signal (SIGTERM, Ctrl-C), the JVM halts once its shutdown hooks return: this one gives the
     * processes served a while ({@code SIGNAL_GRACE}) to stop their own runs and record where they stopped.
     */
    private final Thread shutdownWait = new Thread(this::waitForOthersOnShutdown, "tagsync-repository-shutdown");

    private Environment environment;
    private Connection keeper;
    private Server server;
    private Path serverFile;

    @Override
    public void setEnvironment(Environment environment) {
        this.environment = environment;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof HikariDataSource pool
                && pool.getJdbcUrl() != null
                && pool.getJdbcUrl().startsWith(FILE_PREFIX)) {
            pool.setDataSource(new HandOver(pool.getJdbcUrl(), pool.getUsername(), pool.getPassword()));
        }
        return bean;
    }

    /**
     * The pool's connections: to the file, or through the process that serves it. When that process is gone
     * (killed, or stopped by a signal), the next connection finds the file again: through whichever process
     * serves it now, or opened, and served, by this one. Thread-safe.
     */
    private final class HandOver extends AbstractDataSource {

        private final String fileUrl;
        private final String user;
        private final String password;
        private volatile String url;

        HandOver(String fileUrl, String user, String password) {
            this.fileUrl = fileUrl;
            this.user = user;
            this.password = password;
            this.url = open(fileUrl, user, password);
        }

        @Override
        public Connection getConnection() throws SQLException {
            return getConnection(user, password);
        }

        @Override
        public Connection getConnection(String username, String secret) throws SQLException {
            String tried = url;
            try {
                return DriverManager.getConnection(tried, username, secret);
            } catch (SQLException e) {
                if (tried.equals(fileUrl)) {
                    throw e;
                }
                synchronized (this) {
                    if (url.equals(tried)) {
                        log.warn("The tagsync process that served the job repository is gone; finding it again");
                        url = open(fileUrl, user, password);
                    }
                }
                return DriverManager.getConnection(url, username, secret);
            }
        }
    }

    /** The H2 file of a {@code jdbc:h2:file:} URL, as H2 resolves it (without its {@code .mv.db}). */
    static Path databaseFile(String url) {
        String path = url.substring(FILE_PREFIX.length());
        int settings = path.indexOf(';');
        if (settings >= 0) {
            path = path.substring(0, settings);
        }
        if (path.startsWith("~")) {
            path = System.getProperty("user.home") + path.substring(1);
        }
        return Path.of(path).toAbsolutePath().normalize();
    }

    /** The URL this process uses: the file itself, or the process that has it open. */
    private String open(String url, String user, String password) {
        Path database = databaseFile(url);
        Path shared = database.resolveSibling(database.getFileName() + ".server");
        TagsyncProperties.Repository settings =
                Binder.get(environment).bindOrCreate("tagsync.repository", TagsyncProperties.Repository.class);
        boolean serve = settings.serve();
        Duration wait = settings.lockWait();
        long deadline = System.nanoTime() + wait.toNanos();
        boolean told = false;
        while (true) {
            // the serving process first: a failed open of a file in use leaves a stack trace in H2's trace file
            Optional<String> remote = remoteUrl(shared, user, password);
            if (remote.isPresent()) {
                log.info(
                        "The job repository {} is open in another tagsync process; this process uses it through that one",
                        database.getFileName());
                return remote.get();
            }
            try {
                OwnerOnly.folder(database.getParent());
                Connection connection = DriverManager.getConnection(url, user, password);
                // H2's files: NAME.mv.db, NAME.trace.db, NAME.lock.db, NAME.N.temp.db
                OwnerOnly.files(database.getParent(), database.getFileName() + ".*db");
                keeper = connection;
                if (serve) {
                    serve(database, shared);
                }
                return url;
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot make the job repository's folder " + database.getParent() + " its owner's alone: "
                                + e.getMessage(),
                        e);
            } catch (SQLException e) {
                if (e.getErrorCode() != ErrorCode.DATABASE_ALREADY_OPEN_1) {
                    // the pool meets the same error at its first connection, and the start fails with it
                    return url;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the job repository " + database
                        + " is in use by another tagsync process that does not share it (waited "
                        + wait.toSeconds() + " s)");
            }
            if (!told) {
                log.info("Waiting for another tagsync process to release the job repository {}", database);
                told = true;
            }
            sleep(RETRY);
        }
    }

    private void serve(Path database, Path shared) {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String key = HexFormat.of().formatHex(random);
        try {
            server = Server.createTcpServer(
                            "-tcpPort", "0", "-tcpDaemon", "-ifExists", "-key", key, database.toString())
                    .start();
            Properties properties = new Properties();
            properties.setProperty("port", Integer.toString(server.getPort()));
            properties.setProperty("key", key);
            properties.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
            Path written = Files.createTempFile(
                    shared.getParent(), shared.getFileName().toString(), ".tmp");
            try {
                Files.setPosixFilePermissions(written, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // the folder's own permissions guard it
            }
            try (var out = Files.newOutputStream(written)) {
                properties.store(out, "the tagsync process serving this job repository; deleted when it exits");
            }
            try {
                Files.move(written, shared, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(written, shared, StandardCopyOption.REPLACE_EXISTING);
            }
            serverFile = shared;
            Runtime.getRuntime().addShutdownHook(shutdownWait);
        } catch (SQLException e) {
            // this run goes on alone; others wait for it, then fail with a clear message
            log.warn("Cannot share the job repository with other tagsync processes: {}", e.getMessage());
        } catch (IOException e) {
            server.stop();
            server = null;
            log.warn("Cannot share the job repository with other tagsync processes: {}", e.toString());
        }
    }

    /** The serving process's URL, if it answers. */
    private static Optional<String> remoteUrl(Path shared, String user, String password) {
        Properties properties = new Properties();
        try (var in = Files.newInputStream(shared)) {
            properties.load(in);
        } catch (IOException notServed) {
            return Optional.empty();
        }
        String url = "jdbc:h2:tcp://127.0.0.1:" + properties.getProperty("port") + "/" + properties.getProperty("key");
        try (Connection probe = DriverManager.getConnection(url, user, password)) {
            return Optional.of(url);
        } catch (SQLException gone) {
            // a process that was killed left its file; the next open of the file itself will tell
            return Optional.empty();
        }
    }

    /** Other processes connected through this one. */
    private int others() throws SQLException {
        try (Statement statement = keeper.createStatement();
                ResultSet count = statement.executeQuery(
                        "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS WHERE CLIENT_ADDR IS NOT NULL")) {
            count.next();
            return count.getInt(1);
        }
    }

    private void waitForOthersOnShutdown() {
        long deadline = System.nanoTime() + SIGNAL_GRACE.toNanos();
        try {
            int others = others();
            if (others > 0) {
                log.info(
                        "Stopping: waiting up to {} s for the other tagsync processes that use the job repository "
                                + "through this one ({} connections) to stop",
                        SIGNAL_GRACE.toSeconds(),
                        others);
            }
            while (others > 0 && System.nanoTime() < deadline) {
                Thread.sleep(250);
                others = others();
            }
        } catch (SQLException | InterruptedException e) {
            // the database or the JVM is going away; so do the others' connections
        }
    }

    @Override
    public void destroy() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownWait);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it bounds the wait
        }
        if (server != null) {
            try {
                int others = others();
                if (others > 0) {
                    log.info(
                            "Other tagsync processes use the job repository through this one ({} connections); "
                                    + "this process exits when they end",
                            others);
                }
                while (others() > 0) {
                    sleep(Duration.ofMillis(500));
                }
            } catch (SQLException e) {
                log.warn(
                        "Cannot tell whether other tagsync processes still use the job repository: {}", e.getMessage());
            }
            try {
                Files.deleteIfExists(serverFile);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                server.stop();
                server = null;
            }
        }
        if (keeper != null) {
            try {
                keeper.close();
            } catch (SQLException ignored) {
                // the database closes with the process either way
            }
            keeper = null;
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the job repository", e);
        }
    }
}
