package org.poolkit.datasource.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The metatype of a poolkit data source: what web consoles and Karaf's {@code config:} commands show and check.
 * Property names: {@code _} in a method name reads {@code .}. Keys starting with {@code jdbc.} are passed to the driver
 * without the prefix; metatype cannot list them. The component reads the configuration map itself
 * ({@link DataSourceSpec}), so that a bad value is reported as given.
 */
@ObjectClassDefinition(id = DataSourceComponent.PID, name = "poolkit data source",
        description = "A pooled javax.sql.DataSource service; its strategy and settings can change while it runs.")
@interface DataSourceConfig {

    @AttributeDefinition(name = "Data source name", required = false,
            description = "The dataSourceName service property consumers filter on, and the pool's name in logs and "
                    + "events; defaults to the configuration's PID.")
    String dataSourceName();

    @AttributeDefinition(name = "JNDI name", required = false,
            description = "The osgi.jndi.service.name service property; defaults to the data source name.")
    String osgi_jndi_service_name();

    @AttributeDefinition(name = "Driver name", required = false,
            description = "The osgi.jdbc.driver.name of the DataSourceFactory service that opens connections (derby "
                    + "for pax-jdbc-derby). This or the driver class is required.")
    String osgi_jdbc_driver_name();

    @AttributeDefinition(name = "Driver class", required = false,
            description = "The osgi.jdbc.driver.class of that DataSourceFactory, instead of (or besides) its name.")
    String osgi_jdbc_driver_class();

    @AttributeDefinition(name = "URL",
            description = "The JDBC url the driver opens. A password inside it is masked wherever the url is shown.")
    String url();

    @AttributeDefinition(name = "User", required = false, description = "The user the driver connects as.")
    String user();

    @AttributeDefinition(name = "Password", required = false, type = AttributeType.PASSWORD,
            description = "Given to the driver only: never logged, shown by a command or made a service property.")
    String password();

    @AttributeDefinition(name = "Strategy",
            description = "The pool strategy behind the data source; a strategy bundle must provide it. A change swaps "
                    + "the pool live.",
            options = {@Option(value = "queue"), @Option(value = "null"), @Option(value = "static"),
                    @Option(value = "threadlocal"), @Option(value = "assertion")})
    String strategy() default "queue";

    @AttributeDefinition(name = "Pool size", min = "0",
            description = "queue: connections kept; threadlocal: threads kept. 0 means no limit.")
    int pool_size() default 5;

    @AttributeDefinition(name = "Max overflow", min = "-1",
            description = "queue: connections opened beyond the pool size under load; -1 means no limit.")
    int max_overflow() default 10;

    @AttributeDefinition(name = "Timeout (s)", min = "0",
            description = "queue: seconds getConnection() waits at the limit before it fails with a "
                    + "PoolTimeoutException.")
    double timeout() default 30;

    @AttributeDefinition(name = "Use LIFO", description = "queue: hand out the most recently returned connection first.")
    boolean use_lifo() default false;

    @AttributeDefinition(name = "Recycle (s)",
            description = "Seconds after which a connection is replaced at its next checkout; -1 means never.")
    double recycle() default -1;

    @AttributeDefinition(name = "Pre-ping",
            description = "Test each connection with Connection.isValid on checkout; a dead one is replaced and every "
                    + "older one recycled.")
    boolean pre_ping() default false;

    @AttributeDefinition(name = "Reset on return",
            description = "What checkin does to a transaction the holder left open; nothing is sent in auto-commit "
                    + "mode.",
            options = {@Option(value = "rollback"), @Option(value = "commit"), @Option(value = "none")})
    String reset_on_return() default "rollback";

    @AttributeDefinition(name = "Leak detection threshold (s)", min = "0",
            description = "Seconds a checkout may be held before it is logged, with the stack of its checkout, as a "
                    + "possible leak; 0 turns it off.")
    double leak_detection_threshold() default 0;
}
