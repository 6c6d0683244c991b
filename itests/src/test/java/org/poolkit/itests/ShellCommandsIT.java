package org.poolkit.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.mavenBundle;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Hashtable;
import java.util.concurrent.Callable;
import javax.inject.Inject;
import javax.sql.DataSource;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.OptionUtils;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;

/**
 * The {@code pool:} commands run through Gogo's CommandProcessor, as a shell user types them, against Derby data
 * sources; and the demo service the launcher calls.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShellCommandsIT extends PoolkitTestSupport {

    private static final String PASSWORD = "not-a-real-secret";

    @Inject
    private CommandProcessor processor;

    /** @return the usual bundles, Gogo's runtime and the shell; the demo service on, with one-second phases */
    @Override
    @Configuration
    public Option[] config() {
        return OptionUtils.combine(super.config(),
                mavenBundle("org.apache.felix", "org.apache.felix.gogo.runtime").versionAsInProject(),
                reactorBundle("shell"),
                frameworkProperty("poolkit.demo").value("true"),
                frameworkProperty("poolkit.demo.seconds").value("1"));
    }

    /** What a command printed. */
    private record Output(String out, String err) {

        void assertNoStackTrace() {
            assertFalse("no stack trace:\n" + this, (out + err).contains("\tat "));
            assertFalse("no exception class:\n" + this, (out + err).contains("Exception"));
        }

        @Override
        public String toString() {
            return "--- out:\n" + out + "--- err:\n" + err;
        }
    }

    private Output execute(String command) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, err)) {
            Object result = session.execute(command);
            assertNull("commands print and return nothing: " + command, result);
        }
        return new Output(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    public void listAndStatusShowTheDataSourceButNeverItsPassword() throws Exception {
        org.osgi.service.cm.Configuration configuration = create(derby("listed"));
        awaitDataSource("listed");

        Output list = execute("pool:list");
        assertTrue(list.toString(), list.out.matches("(?s)NAME +STRATEGY +SIZE +OUT +IDLE +OVERFLOW +STATE\n.*"));
        assertTrue(list.toString(), list.out.matches("(?s).*\nlisted +queue +5 +0 +\\d+ +-?\\d+ +active\n.*"));
        Output status = execute("pool:status listed");
        assertTrue(status.toString(), status.out.contains("jdbc:derby:memory:listed;create=true"));
        assertTrue(status.toString(), status.out.matches("(?s).*\npool\\.size +5\n.*"));
        assertTrue(status.toString(), status.out.matches("(?s).*\ndriver +osgi\\.jdbc\\.driver\\.name=derby\n.*"));
        assertFalse("the password is never shown:\n" + list + status, (list.out + status.out).contains(PASSWORD));
        assertEquals("", list.err + status.err);
        configuration.delete();
        awaitNoDataSource("listed");
    }

    @Test
    public void aWaitingDataSourceIsListedWithWhatItWaitsFor() throws Exception {
        Hashtable<String, Object> properties = derby("waiting");
        properties.put("strategy", "nosuch");
        org.osgi.service.cm.Configuration configuration = create(properties);
        await(() -> listed("waiting"), "the data source to be listed");

        Output list = execute("pool:list");
        assertTrue(list.toString(), list.out.matches("(?s).*\nwaiting +nosuch +- +- +- +- +waiting for strategy "
                + "'nosuch'\n.*"));
        Output status = execute("pool:status waiting");
        assertTrue(status.toString(), status.out.matches("(?s).*\nproblem +strategy must name an installed "
                + "strategy; was 'nosuch' \\(installed: .*"));
        assertRefused("pool:load waiting 1 1",
                "pool:load: data source 'waiting' is waiting for strategy 'nosuch': nothing to load\n");
        configuration.delete();
    }

    private boolean listed(String name) {
        try {
            return execute("pool:list").out.contains("\n" + name + " ");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    public void setAndSwapChangeTheRunningDataSourceThroughConfigurationAdmin() throws Exception {
        org.osgi.service.cm.Configuration configuration = create(derby("changed"));
        ServiceReference<DataSource> ref = awaitDataSource("changed");
        long serviceId = serviceId(ref);

        Output set = execute("pool:set changed pool.size 3");
        assertEquals(set.toString(), "changed: pool.size (unset, default 5) -> 3 (applied in place)\n", set.out);
        assertEquals("3", configuration.getProperties().get("pool.size"));
        DataSource dataSource = context.getService(ref);
        assertEquals(3, pool(dataSource).settings().poolSize());

        // Gogo reads true, 2.5 and null as values, not words: the commands take them back as typed.
        Output typed = execute("pool:set changed use.lifo true; pool:set changed timeout 2.5");
        assertEquals(typed.toString(), "changed: use.lifo (unset, default false) -> true (applied in place)\n"
                + "changed: timeout (unset, default 30) -> 2.5 (applied in place)\n", typed.out);
        assertEquals(2500, pool(dataSource).settings().timeout().toMillis());

        Output swap = execute("pool:swap changed null");
        assertTrue(swap.toString(), swap.out.startsWith("changed: strategy (unset, default queue) -> null (swapped"));
        assertEquals("null", configuration.getProperties().get("strategy"));
        assertEquals("null", pool(dataSource).strategy());
        assertEquals("null", dataSourceRef("changed").getProperty("pool.strategy"));
        assertEquals("the same service throughout", serviceId, serviceId(dataSourceRef("changed")));
        assertEquals("", set.err + typed.err + swap.err);

        Output secret = execute("pool:set changed password " + PASSWORD + "; pool:set changed url "
                + "'jdbc:derby:memory:changed;create=true;password=" + PASSWORD + "'");
        assertTrue(secret.toString(), secret.out.startsWith("changed: password *** -> *** (unchanged)\n"));
        assertTrue(secret.toString(), secret.out.contains("\nchanged: url jdbc:derby:memory:changed;create=true -> "
                + "jdbc:derby:memory:changed;create=true;password=*** (swapped"));
        assertFalse("the password is never shown:\n" + secret, secret.toString().contains(PASSWORD));
        context.ungetService(ref);
        configuration.delete();
        awaitNoDataSource("changed");
    }

    @Test
    public void badArgumentsGetTheUsageAndAMessageNeverAStackTrace() throws Exception {
        org.osgi.service.cm.Configuration configuration = create(derby("strict"));
        awaitDataSource("strict");

        assertRefused("pool:status", "usage: pool:status NAME\npool:status: expected 1 argument, got 0\n");
        assertRefused("pool:status nosuch", "pool:status: no data source is named 'nosuch'; there are: ");
        assertRefused("pool:set strict pool.size lots",
                "pool:set: pool.size must be a whole number; was 'lots'\n");
        assertRefused("pool:set strict colour blue", "usage: pool:set NAME KEY VALUE\npool:set: unknown key 'colour'");
        assertRefused("pool:swap strict nosuch", "pool:swap: strategy must name an installed strategy; was 'nosuch'"
                + " (installed: [assertion, null, queue, static, threadlocal])\n");
        assertRefused("pool:load strict many 1", "usage: pool:load NAME THREADS SECONDS\n"
                + "pool:load: THREADS must be a whole number from 1 to 256; was 'many'\n");
        assertRefused("pool:watch strict 0", "usage: pool:watch NAME [SECONDS]\n"
                + "pool:watch: SECONDS must be a whole number from 1 to 86400; was '0'\n");
        assertRefused("pool:demo soon", "usage: pool:demo [SECONDS]\n"
                + "pool:demo: SECONDS must be a whole number from 1 to 600; was 'soon'\n");
        assertRefused("pool:create other 'jdbc:derby:memory:other;create=true' pool.size",
                "usage: pool:create NAME URL [KEY=VALUE ...]\npool:create: expected KEY=VALUE; was 'pool.size'\n");
        assertRefused("pool:create 'two words' 'jdbc:derby:memory:other;create=true'",
                "usage: pool:create NAME URL [KEY=VALUE ...]\npool:create: NAME must be one word, without spaces; "
                + "was 'two words'\n");
        assertRefused("pool:create '' 'jdbc:derby:memory:other;create=true'",
                "usage: pool:create NAME URL [KEY=VALUE ...]\npool:create: NAME must be one word, without spaces; "
                + "was ''\n");
        assertRefused("pool:create other jdbc:derby:memory:other dataSourceName=else",
                "usage: pool:create NAME URL [KEY=VALUE ...]\npool:create: dataSourceName is given twice (NAME and URL "
                + "are the data source's dataSourceName and url)\n");
        assertRefused("pool:create other 'jdbc:nosuch://app:" + PASSWORD + "@db/x?pwd=" + PASSWORD + "'",
                "pool:create: no installed DataSourceFactory accepts the url 'jdbc:nosuch://app:***@db/x?pwd=***'");
        assertNull("the refused changes were not written", configuration.getProperties().get("pool.size"));
        assertNull(configuration.getProperties().get("strategy"));
        configuration.delete();
        awaitNoDataSource("strict");
    }

    /** Two configurations that give the same dataSourceName: the commands say so rather than pick one. */
    @Test
    public void aNameGivenTwiceIsRefusedAndThePidSaysWhichDataSourceIsMeant() throws Exception {
        org.osgi.service.cm.Configuration first = create(derby("twin"));
        Hashtable<String, Object> properties = derby("twin");
        properties.put("url", "jdbc:derby:memory:twin2;create=true");
        org.osgi.service.cm.Configuration second = create(properties);
        await(() -> output("pool:list").split("\ntwin ", -1).length == 3, "both data sources to be listed");

        String list = output("pool:list");
        assertTrue(list, list.contains("; name given twice, see " + first.getPid() + "\n"));
        assertTrue(list, list.contains("; name given twice, see " + second.getPid() + "\n"));
        assertRefused("pool:status twin", "pool:status: 2 configurations name a data source 'twin' (");
        assertRefused("pool:set twin pool.size 3", "pool:set: 2 configurations name a data source 'twin' (");
        assertRefused("pool:delete twin", "pool:delete: 2 configurations name a data source 'twin' (");
        Output status = execute("pool:status " + second.getPid());
        assertTrue(status.toString(), status.out.matches("(?s).*\nurl +jdbc:derby:memory:twin2;create=true\n.*"));
        Output set = execute("pool:set " + second.getPid() + " pool.size 3");
        assertEquals(set.toString(), "twin: pool.size (unset, default 5) -> 3 (applied in place)\n", set.out);
        assertNull("the other configuration was not touched", first.getProperties().get("pool.size"));
        first.delete();
        second.delete();
        awaitNoDataSource("twin");
    }

    private String output(String command) {
        try {
            return execute(command).out;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private void assertRefused(String command, String expectedErrStart) throws Exception {
        Output output = execute(command);
        assertTrue(command + " printed:\n" + output, output.err.startsWith(expectedErrStart));
        assertEquals(command + " printed:\n" + output, "", output.out);
        output.assertNoStackTrace();
    }

    @Test
    public void createPicksTheDriverThatTakesTheUrlAndDeleteTakesTheDataSourceAway() throws Exception {
        Output create = execute("pool:create made 'jdbc:derby:memory:made;create=true' pool.size=2 strategy=static");
        assertTrue(create.toString(), create.out.startsWith(
                "created data source 'made' (configuration org.poolkit.datasource~made): active\n"));
        ServiceReference<DataSource> ref = awaitDataSource("made");
        assertEquals("static", ref.getProperty("pool.strategy"));
        org.osgi.service.cm.Configuration configuration = configAdmin.getConfiguration(
                "org.poolkit.datasource~made", "?");
        assertEquals("derby", configuration.getProperties().get("osgi.jdbc.driver.name"));
        assertEquals("2", configuration.getProperties().get("pool.size"));
        DataSource dataSource = context.getService(ref);
        dataSource.getConnection().close();
        context.ungetService(ref);

        Output delete = execute("pool:delete made");
        assertEquals(delete.toString(), "deleted data source 'made' (configuration org.poolkit.datasource~made)\n",
                delete.out);
        awaitNoDataSource("made");
        assertNull(configAdmin.listConfigurations("(dataSourceName=made)"));
        assertEquals("", create.err + delete.err);
    }

    @Test
    public void loadAndWatchReportWhatTheyRan() throws Exception {
        org.osgi.service.cm.Configuration configuration = create(derby("loaded"));
        awaitDataSource("loaded");

        Output load = execute("pool:load loaded 2 1");
        assertTrue(load.toString(), load.out.contains("load on 'loaded': 2 threads, "));
        assertTrue(load.toString(), load.out.matches("(?s).*\ntransactions +[1-9]\\d* \\(\\d+/s\\)\n.*"));
        assertTrue(load.toString(), load.out.matches(
                "(?s).*\nfailures +0 \\(getConnection 0, statement 0\\)\n.*"));
        assertTrue(load.toString(), load.out.matches("(?s).*\ngetConnection +p50 [\\d.]+ [nmu]?s, p99 .*"));
        Output watch = execute("pool:watch loaded 2");
        assertTrue(watch.toString(), watch.out.matches(
                "(\\d\\d:\\d\\d:\\d\\d  queue +size 5  out 0  idle \\d+  overflow -?\\d+  waiting 0  open \\d+\n){2}"));
        assertEquals("", load.err + watch.err);
        configuration.delete();
        awaitNoDataSource("loaded");
    }

    /**
     * Ctrl-C in gogo.jline (and Karaf) interrupts the session's foreground job: watch then ends, and load ends with
     * the summary of what ran.
     */
    @Test
    public void anInterruptEndsWatchAndLoadAsCtrlCWould() throws Exception {
        org.osgi.service.cm.Configuration configuration = create(derby("interrupted"));
        ServiceReference<DataSource> ref = awaitDataSource("interrupted");

        Output watch = interrupt("pool:watch interrupted", "open", "pool:watch: interrupted\n");
        Output load = interrupt("pool:load interrupted 2 600", "tx ", "getConnection  p50 ");
        assertTrue(load.toString(), load.out.matches("(?s).*\nload on 'interrupted': 2 threads, [\\d.]+ s "
                + "\\(interrupted\\)\ntransactions .*\nfailures +0 .*"));
        assertEquals("", watch.err + load.err);
        assertEquals("no load thread is left once the summary is out", 0, Thread.getAllStackTraces().keySet()
                .stream().filter(thread -> thread.getName().startsWith("poolkit-load-interrupted-")).count());
        assertEquals("every connection came back", 0, pool(context.getService(ref)).status().checkedOut());
        context.ungetService(ref);
        configuration.delete();
        awaitNoDataSource("interrupted");
    }

    /**
     * A terminal's stream buffers, as jline's does, and shows what was written only when flushed: Gogo flushes it when
     * the prompt comes back, so watch must flush its lines itself for the user to see them while it runs.
     */
    @Test
    public void watchShowsItsLinesOnABufferedTerminalWhileItRuns() throws Exception {
        org.osgi.service.cm.Configuration configuration = create(derby("watched"));
        awaitDataSource("watched");
        ByteArrayOutputStream shown = new ByteArrayOutputStream();
        BufferedOutputStream terminal = new BufferedOutputStream(shown, 8192);
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), terminal,
                terminal)) {
            Thread shell = new Thread(() -> {
                try {
                    session.execute("pool:watch watched 600");
                } catch (Exception interrupted) {
                    // The interrupt below ends it, as Ctrl-C does.
                }
            }, "shell");
            shell.start();
            await(() -> shown.toString(StandardCharsets.UTF_8).contains(" open "),
                    "pool:watch's first line on the terminal while the command runs");
            assertTrue("pool:watch still runs", shell.isAlive());
            session.foregroundJob().interrupt();
            shell.join(BOUND_MILLIS);
            assertFalse("pool:watch ended after the interrupt", shell.isAlive());
        }
        configuration.delete();
        awaitNoDataSource("watched");
    }

    /**
     * Runs the command, interrupts its job once it printed {@code started}, and returns what it printed once it
     * printed {@code ended}. Gogo runs the command on a thread of its own; the interrupt cancels it, and the session's
     * {@code execute} returns at once with an {@code InterruptedException}, while the command finishes its output.
     */
    private Output interrupt(String command, String started, String ended) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), out, err)) {
            Thread shell = new Thread(() -> {
                try {
                    session.execute(command);
                } catch (InterruptedException expected) {
                    // The job was interrupted, as Ctrl-C does.
                } catch (Exception e) {
                    e.printStackTrace(new PrintStream(err, true, StandardCharsets.UTF_8));
                }
            }, "shell");
            shell.start();
            await(() -> out.toString(StandardCharsets.UTF_8).contains(started), command + " to print " + started);
            session.foregroundJob().interrupt();
            shell.join(BOUND_MILLIS);
            assertFalse(command + " ended after the interrupt", shell.isAlive());
            await(() -> out.toString(StandardCharsets.UTF_8).contains(ended), command + " to print " + ended);
        }
        return new Output(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    public void theDemoServiceRunsTheDemoAndReturnsZero() throws Exception {
        ServiceReference<?>[] refs = context.getServiceReferences(Callable.class.getName(),
                "(&(main.thread=true)(poolkit.demo=true))");
        assertEquals("one demo service", 1, refs == null ? 0 : refs.length);
        Object exit = ((Callable<?>) context.getService(refs[0])).call();
        context.ungetService(refs[0]);
        assertEquals("the demo's exit code", 0, exit);
        awaitNoDataSource("demo");
        assertNull("the demo deleted its configuration", configAdmin.listConfigurations("(dataSourceName=demo)"));
    }
}
