package org.poolkit.shell.internal;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

import org.osgi.service.cm.Configuration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.jdbc.DataSourceFactory;
import org.poolkit.api.Pool;
import org.poolkit.api.PoolStatus;
import org.poolkit.datasource.ManagedDataSource;
import org.poolkit.datasource.ManagedDataSource.State;

/**
 * The {@code pool:} commands, for Felix Gogo and Karaf's console alike: a plain service whose
 * {@code osgi.command.*} properties both shells track, with one public method per command. Each takes its arguments
 * as strings and checks them itself, so that bad ones get the usage line and a message naming what was wrong (on the
 * error stream), never a stack trace; a command that fails prints why and returns normally.
 *
 * <p>Output goes to {@code System.out}, which the shell points at the session running the command, and is written
 * only from the command's thread. Thread-safe: commands share nothing but the admin.
 */
@Component(service = PoolCommands.class, property = {
    "osgi.command.scope=pool",
    "osgi.command.function=list",
    "osgi.command.function=status",
    "osgi.command.function=swap",
    "osgi.command.function=set",
    "osgi.command.function=create",
    "osgi.command.function=delete",
    "osgi.command.function=watch",
    "osgi.command.function=load",
    "osgi.command.function=demo"
})
public final class PoolCommands {

    private static final int MAX_THREADS = 256;
    private static final int MAX_SECONDS = 24 * 60 * 60;
    private static final Duration STOP_BOUND = Duration.ofSeconds(30);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PoolAdmin admin;
    private final ConfigChanges changes;

    /** @param admin what the commands act through */
    @Activate
    public PoolCommands(@Reference PoolAdmin admin) {
        this.admin = admin;
        this.changes = new ConfigChanges(admin);
    }

    /** A command's body; may throw {@link CommandError} for the user's mistakes. */
    @FunctionalInterface
    private interface Body {
        void run(PrintStream out) throws IOException, InterruptedException;
    }

    /**
     * Runs a command's body and turns every failure into a message on the error stream: the usage line too when the
     * arguments were wrong.
     */
    private static void run(String usage, Body body) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        String command = usage.split(" ", 2)[0];
        try {
            body.run(out);
        } catch (CommandError e) {
            if (e.showsUsage()) {
                err.println("usage: " + usage);
            }
            err.println(command + ": " + e.getMessage());
        } catch (InterruptedException e) {
            out.println();
            out.println(command + ": interrupted");
        } catch (IOException | RuntimeException e) {
            err.println(command + ": failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /**
     * {@code pool:list}: every data source with a configuration.
     *
     * @param typed none
     */
    public void list(String... typed) {
        String[] args = Args.words(typed);
        run("pool:list", out -> {
            Args.count(args, 0, 0);
            Table table = new Table("NAME", "STRATEGY", "SIZE", "OUT", "IDLE", "OVERFLOW", "STATE");
            List<ManagedDataSource> all = admin.all();
            for (ManagedDataSource dataSource : all) {
                String state = Formats.state(dataSource) + (all.stream().filter(other -> other.name().equals(
                        dataSource.name())).count() > 1 ? "; name given twice, see " + dataSource.configurationPid()
                        : "");
                Optional<PoolStatus> status = dataSource.pool().map(Pool::status);
                if (status.isPresent()) {
                    PoolStatus now = status.get();
                    table.row(dataSource.name(), now.strategy(), now.size(), now.checkedOut(), now.checkedIn(),
                            now.overflow(), state);
                } else {
                    table.row(dataSource.name(), dataSource.strategy(), "-", "-", "-", "-", state);
                }
            }
            table.print(out);
        });
    }

    /**
     * {@code pool:status NAME}: the data source's state, its pool's counts and settings, its url without password.
     *
     * @param typed NAME
     */
    public void status(String... typed) {
        String[] args = Args.words(typed);
        run("pool:status NAME", out -> {
            Args.count(args, 1, 1);
            ManagedDataSource dataSource = admin.find(args[0]);
            Table table = new Table("data source", dataSource.name());
            table.row("configuration", dataSource.configurationPid());
            table.row("state", Formats.state(dataSource));
            dataSource.problem().ifPresent(problem -> table.row("problem", problem));
            table.row("url", dataSource.url());
            table.row("driver", dataSource.driver());
            table.row("strategy", dataSource.strategy());
            Optional<Pool> pool = dataSource.pool();
            if (pool.isPresent()) {
                PoolStatus status = pool.get().status();
                table.row("status", status.summary());
                table.row("size", status.size());
                table.row("checked out", status.checkedOut());
                table.row("checked in", status.checkedIn());
                table.row("overflow", status.overflow());
                table.row("waiting", status.waiting());
                table.row("open", status.open());
                for (Map.Entry<String, String> setting : Formats.settings(pool.get().settings()).entrySet()) {
                    table.row(setting.getKey(), setting.getValue());
                }
            }
            table.print(out);
        });
    }

    /**
     * {@code pool:swap NAME STRATEGY}: changes the strategy through Configuration Admin.
     *
     * @param typed NAME STRATEGY
     */
    public void swap(String... typed) {
        String[] args = Args.words(typed);
        run("pool:swap NAME STRATEGY", out -> {
            Args.count(args, 2, 2);
            out.println(changes.set(args[0], ConfigKeys.STRATEGY, args[1]));
        });
    }

    /**
     * {@code pool:set NAME KEY VALUE}: changes one configuration key through Configuration Admin.
     *
     * @param typed NAME KEY VALUE
     */
    public void set(String... typed) {
        String[] args = Args.words(typed);
        run("pool:set NAME KEY VALUE", out -> {
            Args.count(args, 3, 3);
            out.println(changes.set(args[0], args[1], args[2]));
        });
    }

    /**
     * {@code pool:create NAME URL [KEY=VALUE...]}: a new data source's factory configuration.
     *
     * @param typed NAME URL and any KEY=VALUE
     */
    public void create(String... typed) {
        String[] args = Args.words(typed);
        run("pool:create NAME URL [KEY=VALUE ...]", out -> {
            Args.count(args, 2, Integer.MAX_VALUE);
            String name = Args.name(args[0]);
            Hashtable<String, Object> properties = new Hashtable<>();
            properties.put(ManagedDataSource.DATA_SOURCE_NAME, name);
            properties.put(DataSourceFactory.JDBC_URL, args[1]);
            List<String> keys = new ArrayList<>(List.of(DataSourceFactory.JDBC_URL));
            for (int i = 2; i < args.length; i++) {
                int equals = args[i].indexOf('=');
                if (equals < 1) {
                    throw CommandError.usage("expected KEY=VALUE; was '" + args[i] + "'");
                }
                String key = args[i].substring(0, equals);
                if (properties.containsKey(key)) {
                    throw CommandError.usage(key + " is given twice (NAME and URL are the data source's "
                            + ManagedDataSource.DATA_SOURCE_NAME + " and url)");
                }
                properties.put(key, args[i].substring(equals + 1));
                keys.add(key);
            }
            if (!properties.containsKey(DataSourceFactory.OSGI_JDBC_DRIVER_NAME)
                    && !properties.containsKey(DataSourceFactory.OSGI_JDBC_DRIVER_CLASS)) {
                Map.Entry<String, String> driver = admin.driverFor(args[1], properties.get(ConfigKeys.PASSWORD));
                properties.put(driver.getKey(), driver.getValue());
            }
            Map<String, Object> all = ConfigChanges.map(properties);
            for (String key : keys) {
                ConfigKeys.check(name, all, key, admin.strategies());
            }
            Configuration configuration = admin.create(name, properties);
            admin.await(name, found -> found.filter(dataSource -> dataSource.state() == State.ACTIVE
                    || dataSource.problem().isPresent()).isPresent(), PoolAdmin.CHANGE_BOUND);
            Optional<ManagedDataSource> created = admin.lookup(name);
            out.println("created data source '" + name + "' (configuration " + configuration.getPid() + "): "
                    + created.map(Formats::state).orElse("not yet picked up by the data source bundle"));
            created.flatMap(ManagedDataSource::problem).ifPresent(problem -> out.println("  " + problem));
        });
    }

    /**
     * {@code pool:delete NAME}: deletes the data source's configuration; its connections close as they come back.
     *
     * @param typed NAME
     */
    public void delete(String... typed) {
        String[] args = Args.words(typed);
        run("pool:delete NAME", out -> {
            Args.count(args, 1, 1);
            ManagedDataSource dataSource = admin.find(args[0]);
            String pid = dataSource.configurationPid();
            admin.configuration(pid).delete();
            boolean gone = admin.await(pid, Optional::isEmpty, PoolAdmin.CHANGE_BOUND);
            out.println("deleted data source '" + dataSource.name() + "' (configuration " + pid + ")"
                    + (gone ? "" : "; the data source bundle has not let it go yet"));
        });
    }

    /**
     * {@code pool:watch NAME [SECONDS]}: a line of counts per second, until interrupted (Ctrl-C) or for SECONDS.
     *
     * @param typed NAME and optionally SECONDS
     */
    public void watch(String... typed) {
        String[] args = Args.words(typed);
        run("pool:watch NAME [SECONDS]", out -> {
            Args.count(args, 1, 2);
            int seconds = args.length == 2 ? Args.number("SECONDS", args[1], 1, MAX_SECONDS) : Integer.MAX_VALUE;
            // Followed by its PID: the name could be given to a second configuration meanwhile.
            String pid = admin.find(args[0]).configurationPid();
            long next = System.nanoTime();
            for (int line = 0; line < seconds; line++) {
                if (line > 0) {
                    next += TimeUnit.SECONDS.toNanos(1);
                    TimeUnit.NANOSECONDS.sleep(next - System.nanoTime());
                }
                Optional<ManagedDataSource> dataSource = admin.lookup(pid);
                out.println(LocalTime.now().format(CLOCK) + "  "
                        + dataSource.map(PoolCommands::counts).orElse("configuration deleted"));
                LiveConsole.flush(out);
                if (dataSource.isEmpty()) {
                    return;
                }
            }
        });
    }

    private static String counts(ManagedDataSource dataSource) {
        Optional<Pool> pool = dataSource.pool();
        if (pool.isEmpty()) {
            return Formats.state(dataSource);
        }
        PoolStatus status = pool.get().status();
        return String.format("%-11s size %d  out %d  idle %d  overflow %d  waiting %d  open %d", status.strategy(),
                status.size(), status.checkedOut(), status.checkedIn(), status.overflow(), status.waiting(),
                status.open());
    }

    /**
     * {@code pool:load NAME THREADS SECONDS}: small transactions on THREADS threads for SECONDS, with a progress line,
     * then a summary.
     *
     * @param typed NAME THREADS SECONDS
     */
    public void load(String... typed) {
        String[] args = Args.words(typed);
        run("pool:load NAME THREADS SECONDS", out -> {
            Args.count(args, 3, 3);
            int threads = Args.number("THREADS", args[1], 1, MAX_THREADS);
            int seconds = Args.number("SECONDS", args[2], 1, MAX_SECONDS);
            ManagedDataSource managed = admin.find(args[0]);
            DataSource dataSource = managed.dataSource().orElseThrow(() -> CommandError.of("data source '"
                    + args[0] + "' is " + Formats.state(managed) + ": nothing to load"));
            new LoadRun(managed, dataSource, threads, Duration.ofSeconds(seconds), STOP_BOUND)
                    .run(new ProgressLine(out, System.console() != null), out);
        });
    }

    /**
     * {@code pool:demo [SECONDS]}: the scripted demo on its own data source {@code demo}, SECONDS per phase.
     *
     * @param typed optionally SECONDS per phase
     */
    public void demo(String... typed) {
        String[] args = Args.words(typed);
        run("pool:demo [SECONDS]", out -> {
            Args.count(args, 0, 1);
            int seconds = args.length == 1 ? Args.number("SECONDS", args[0], 1, Demo.MAX_PHASE_SECONDS)
                    : Demo.DEFAULT_PHASE_SECONDS;
            int exit = new Demo(admin, Duration.ofSeconds(seconds), out, System.console() != null).run();
            if (exit != 0) {
                System.err.println("pool:demo: a check failed; see the table above");
            }
        });
    }
}
