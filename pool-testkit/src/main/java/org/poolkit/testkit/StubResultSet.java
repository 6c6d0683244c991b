package org.poolkit.testkit;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;
import java.util.Map;

/**
 * The result of a query on a {@link StubStatement}: {@code N} rows of one non-null INTEGER column named
 * {@code ROW_NUM} whose value is the row number, 1 to {@code N}. {@link #next()} returns {@code true} {@code N}
 * times; {@code getInt}, {@code getLong}, {@code getString}, {@code getObject} and the other numeric getters read
 * the row number. Conversions to dates, streams, LOBs and the like are not modelled and throw
 * {@link java.sql.SQLFeatureNotSupportedException}.
 *
 * <p>It is forward-only and read-only: moving backwards or to an absolute row throws SQLState 24000, and every
 * update method throws {@link java.sql.SQLFeatureNotSupportedException}. Reading outside a row throws 24000, a
 * column other than 1 throws 07009, and every call after close throws 24000. A result set of a closed connection
 * throws 08003, of a killed connection 08006.
 *
 * <p>Confined to the thread that uses its statement; {@link #close()} and {@link #isClosed()} may be called from
 * any thread.
 */
public final class StubResultSet implements ResultSet {

    private final StubStatement statement;
    private final int rows;
    private volatile boolean closed;

    /** 0 before the first row, {@code rows + 1} after the last. */
    private int row;
    private int fetchSize;
    private int fetchDirection = FETCH_FORWARD;

    StubResultSet(StubStatement statement, int rows) {
        this.statement = statement;
        this.rows = rows;
    }

    /** @return how many rows this result set holds */
    public int rowCount() {
        return rows;
    }

    // ---- cursor

    @Override
    public boolean next() throws SQLException {
        checkOpen();
        if (row <= rows) {
            row++;
        }
        return row <= rows;
    }

    @Override
    public boolean isBeforeFirst() throws SQLException {
        checkOpen();
        return row == 0 && rows > 0;
    }

    @Override
    public boolean isAfterLast() throws SQLException {
        checkOpen();
        return row > rows && rows > 0;
    }

    @Override
    public boolean isFirst() throws SQLException {
        checkOpen();
        return row == 1 && rows > 0;
    }

    @Override
    public boolean isLast() throws SQLException {
        checkOpen();
        return row == rows && rows > 0;
    }

    @Override
    public int getRow() throws SQLException {
        checkOpen();
        return row >= 1 && row <= rows ? row : 0;
    }

    @Override
    public void beforeFirst() throws SQLException {
        throw forwardOnly("beforeFirst");
    }

    @Override
    public void afterLast() throws SQLException {
        throw forwardOnly("afterLast");
    }

    @Override
    public boolean first() throws SQLException {
        throw forwardOnly("first");
    }

    @Override
    public boolean last() throws SQLException {
        throw forwardOnly("last");
    }

    @Override
    public boolean absolute(int row) throws SQLException {
        throw forwardOnly("absolute");
    }

    @Override
    public boolean relative(int rows) throws SQLException {
        throw forwardOnly("relative");
    }

    @Override
    public boolean previous() throws SQLException {
        throw forwardOnly("previous");
    }

    // ---- lifecycle and properties

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        statement.resultSetClosed(this);
    }

    /** @return whether this result set, its statement or its connection was closed */
    @Override
    public boolean isClosed() {
        return closed || statement.isClosed();
    }

    @Override
    public StubStatement getStatement() throws SQLException {
        checkOpen();
        return statement;
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        checkOpen();
        return StubResultSetMetaData.INSTANCE;
    }

    @Override
    public int findColumn(String columnLabel) throws SQLException {
        checkOpen();
        if (!StubResultSetMetaData.COLUMN.equalsIgnoreCase(columnLabel)) {
            throw new SQLException("no column " + columnLabel + "; the only column is "
                    + StubResultSetMetaData.COLUMN, "42S22");
        }
        return 1;
    }

    @Override
    public boolean wasNull() throws SQLException {
        checkOpen();
        return false;
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return null;
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
    }

    @Override
    public String getCursorName() throws SQLException {
        checkOpen();
        throw StubErrors.notSupported("ResultSet.getCursorName");
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        checkOpen();
        if (direction != FETCH_FORWARD) {
            throw StubErrors.invalidArgument("a forward-only result set fetches forward only");
        }
        fetchDirection = direction;
    }

    @Override
    public int getFetchDirection() throws SQLException {
        checkOpen();
        return fetchDirection;
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        checkOpen();
        if (rows < 0) {
            throw StubErrors.invalidArgument("fetch size must not be negative: " + rows);
        }
        fetchSize = rows;
    }

    @Override
    public int getFetchSize() throws SQLException {
        checkOpen();
        return fetchSize;
    }

    @Override
    public int getType() throws SQLException {
        checkOpen();
        return TYPE_FORWARD_ONLY;
    }

    @Override
    public int getConcurrency() throws SQLException {
        checkOpen();
        return CONCUR_READ_ONLY;
    }

    @Override
    public int getHoldability() throws SQLException {
        checkOpen();
        return CLOSE_CURSORS_AT_COMMIT;
    }

    @Override
    public boolean rowUpdated() throws SQLException {
        checkOpen();
        return false;
    }

    @Override
    public boolean rowInserted() throws SQLException {
        checkOpen();
        return false;
    }

    @Override
    public boolean rowDeleted() throws SQLException {
        checkOpen();
        return false;
    }

    // ---- values by column index

    @Override
    public int getInt(int columnIndex) throws SQLException {
        return value(columnIndex);
    }

    @Override
    public long getLong(int columnIndex) throws SQLException {
        return value(columnIndex);
    }

    @Override
    public short getShort(int columnIndex) throws SQLException {
        return (short) value(columnIndex);
    }

    @Override
    public byte getByte(int columnIndex) throws SQLException {
        return (byte) value(columnIndex);
    }

    @Override
    public boolean getBoolean(int columnIndex) throws SQLException {
        return value(columnIndex) != 0;
    }

    @Override
    public float getFloat(int columnIndex) throws SQLException {
        return value(columnIndex);
    }

    @Override
    public double getDouble(int columnIndex) throws SQLException {
        return value(columnIndex);
    }

    @Override
    public BigDecimal getBigDecimal(int columnIndex) throws SQLException {
        return BigDecimal.valueOf(value(columnIndex));
    }

    @Override
    @Deprecated
    public BigDecimal getBigDecimal(int columnIndex, int scale) throws SQLException {
        return BigDecimal.valueOf(value(columnIndex)).setScale(scale);
    }

    @Override
    public String getString(int columnIndex) throws SQLException {
        return Integer.toString(value(columnIndex));
    }

    @Override
    public String getNString(int columnIndex) throws SQLException {
        return Integer.toString(value(columnIndex));
    }

    @Override
    public Object getObject(int columnIndex) throws SQLException {
        return value(columnIndex);
    }

    /** The type map is ignored: an INTEGER has no user-defined type to map. */
    @Override
    public Object getObject(int columnIndex, Map<String, Class<?>> map) throws SQLException {
        return value(columnIndex);
    }

    /** Converts to Integer, Long, Short, Byte, Double, Float, BigDecimal, String, Boolean, Number or Object. */
    @Override
    public <T> T getObject(int columnIndex, Class<T> type) throws SQLException {
        int value = value(columnIndex);
        if (type == null) {
            throw StubErrors.invalidArgument("type is null");
        }
        return type.cast(convert(value, type));
    }

    // ---- conversions not modelled, by column index

    @Override
    public byte[] getBytes(int columnIndex) throws SQLException {
        value(columnIndex);
        throw StubErrors.notSupported("ResultSet.getBytes");
    }

    @Override
    public Date getDate(int columnIndex) throws SQLException {
        value(columnIndex);
        throw StubErrors.notSupported("ResultSet.getDate");
    }

    @Override
    public Date getDate(int columnIndex, Calendar cal) throws SQLException {
        value(columnIndex);
        throw StubErrors.notSupported("ResultSet.getDate");
    }

    @Override
    public Time getTime(int columnIndex) throws SQLException {
        value(columnIndex);
        throw StubErrors.notSupported("ResultSet.getTime");
    }

    @Override
    public Time getTime(int columnIndex, Calendar cal) throws SQLException {
        value(columnIndex);
        throw StubErrors.notSupported("ResultSet.getTime");
    }

    @Override
    public Timestamp getTimestamp(int columnIndex) throws SQLException {
        value(columnIndex);
        throw StubErrors.notSupported("ResultSet.getTimestamp");
    }

    @Override
    public Timestamp getTimestamp(int columnIndex, Calendar cal) throws SQLException {
        value(columnIndex);
        throw StubErrors.notSupported("ResultSet.getTimestamp");
    }

    @Override
    public InputStream getAsciiStream(int columnIndex) throws SQLException {
        value(columnIndex);
        throw StubErrors.notSupported("ResultSet.getAsciiStream");
    }

    @Override
    @Deprecated
    public InputStream getUnicodeStream(int columnIndex) throws SQLException {
        value(columnIndex);
        throw StubErrors.notSupported("ResultSet.getUnicodeStream");
    }

    @Override
    public InputStream getBinaryStream(int columnIndex) throws SQLException {
        value(columnIndex);
        throw StubErrors.notSupported("ResultSet.getBinaryStream");
    }

    @Override
    public Reader getCharacterStream(int columnIndex) throws SQLException {
        value(columnIndex);
        throw StubErrors.notSupported("ResultSet.getCharacterStream");
    }

    @Override
    public Reader getNCharacterStream(int columnIndex) throws SQLException {
        value(columnIndex);
        throw StubErrors.notSupported("ResultSet.getNCharacterStream");
    }

    @Override
    public Ref getRef(int columnIndex) throws SQLException {
        value(columnIndex);
        throw StubErrors.notSupported("ResultSet.getRef");
    }

    @Override
    public Blob getBlob(int columnIndex) throws SQLException {
        value(columnIndex);
        throw StubErrors.notSupported("ResultSet.getBlob");
    }

    @Override
    public Clob getClob(int columnIndex) throws SQLException {
        value(columnIndex);
        throw StubErrors.notSupported("ResultSet.getClob");
    }

    @Override
    public NClob getNClob(int columnIndex) throws SQLException {
        value(columnIndex);
        throw StubErrors.notSupported("ResultSet.getNClob");
    }

    @Override
    public Array getArray(int columnIndex) throws SQLException {
        value(columnIndex);
        throw StubErrors.notSupported("ResultSet.getArray");
    }

    @Override
    public URL getURL(int columnIndex) throws SQLException {
        value(columnIndex);
        throw StubErrors.notSupported("ResultSet.getURL");
    }

    @Override
    public RowId getRowId(int columnIndex) throws SQLException {
        value(columnIndex);
        throw StubErrors.notSupported("ResultSet.getRowId");
    }

    @Override
    public SQLXML getSQLXML(int columnIndex) throws SQLException {
        value(columnIndex);
        throw StubErrors.notSupported("ResultSet.getSQLXML");
    }

    // ---- values by column label: the same as by index

    @Override
    public int getInt(String columnLabel) throws SQLException {
        return getInt(findColumn(columnLabel));
    }

    @Override
    public long getLong(String columnLabel) throws SQLException {
        return getLong(findColumn(columnLabel));
    }

    @Override
    public short getShort(String columnLabel) throws SQLException {
        return getShort(findColumn(columnLabel));
    }

    @Override
    public byte getByte(String columnLabel) throws SQLException {
        return getByte(findColumn(columnLabel));
    }

    @Override
    public boolean getBoolean(String columnLabel) throws SQLException {
        return getBoolean(findColumn(columnLabel));
    }

    @Override
    public float getFloat(String columnLabel) throws SQLException {
        return getFloat(findColumn(columnLabel));
    }

    @Override
    public double getDouble(String columnLabel) throws SQLException {
        return getDouble(findColumn(columnLabel));
    }

    @Override
    public BigDecimal getBigDecimal(String columnLabel) throws SQLException {
        return getBigDecimal(findColumn(columnLabel));
    }

    @Override
    @Deprecated
    public BigDecimal getBigDecimal(String columnLabel, int scale) throws SQLException {
        return getBigDecimal(findColumn(columnLabel), scale);
    }

    @Override
    public String getString(String columnLabel) throws SQLException {
        return getString(findColumn(columnLabel));
    }

    @Override
    public String getNString(String columnLabel) throws SQLException {
        return getNString(findColumn(columnLabel));
    }

    @Override
    public Object getObject(String columnLabel) throws SQLException {
        return getObject(findColumn(columnLabel));
    }

    @Override
    public Object getObject(String columnLabel, Map<String, Class<?>> map) throws SQLException {
        return getObject(findColumn(columnLabel), map);
    }

    @Override
    public <T> T getObject(String columnLabel, Class<T> type) throws SQLException {
        return getObject(findColumn(columnLabel), type);
    }

    @Override
    public byte[] getBytes(String columnLabel) throws SQLException {
        return getBytes(findColumn(columnLabel));
    }

    @Override
    public Date getDate(String columnLabel) throws SQLException {
        return getDate(findColumn(columnLabel));
    }

    @Override
    public Date getDate(String columnLabel, Calendar cal) throws SQLException {
        return getDate(findColumn(columnLabel), cal);
    }

    @Override
    public Time getTime(String columnLabel) throws SQLException {
        return getTime(findColumn(columnLabel));
    }

    @Override
    public Time getTime(String columnLabel, Calendar cal) throws SQLException {
        return getTime(findColumn(columnLabel), cal);
    }

    @Override
    public Timestamp getTimestamp(String columnLabel) throws SQLException {
        return getTimestamp(findColumn(columnLabel));
    }

    @Override
    public Timestamp getTimestamp(String columnLabel, Calendar cal) throws SQLException {
        return getTimestamp(findColumn(columnLabel), cal);
    }

    @Override
    public InputStream getAsciiStream(String columnLabel) throws SQLException {
        return getAsciiStream(findColumn(columnLabel));
    }

    @Override
    @Deprecated
    public InputStream getUnicodeStream(String columnLabel) throws SQLException {
        return getUnicodeStream(findColumn(columnLabel));
    }

    @Override
    public InputStream getBinaryStream(String columnLabel) throws SQLException {
        return getBinaryStream(findColumn(columnLabel));
    }

    @Override
    public Reader getCharacterStream(String columnLabel) throws SQLException {
        return getCharacterStream(findColumn(columnLabel));
    }

    @Override
    public Reader getNCharacterStream(String columnLabel) throws SQLException {
        return getNCharacterStream(findColumn(columnLabel));
    }

    @Override
    public Ref getRef(String columnLabel) throws SQLException {
        return getRef(findColumn(columnLabel));
    }

    @Override
    public Blob getBlob(String columnLabel) throws SQLException {
        return getBlob(findColumn(columnLabel));
    }

    @Override
    public Clob getClob(String columnLabel) throws SQLException {
        return getClob(findColumn(columnLabel));
    }

    @Override
    public NClob getNClob(String columnLabel) throws SQLException {
        return getNClob(findColumn(columnLabel));
    }

    @Override
    public Array getArray(String columnLabel) throws SQLException {
        return getArray(findColumn(columnLabel));
    }

    @Override
    public URL getURL(String columnLabel) throws SQLException {
        return getURL(findColumn(columnLabel));
    }

    @Override
    public RowId getRowId(String columnLabel) throws SQLException {
        return getRowId(findColumn(columnLabel));
    }

    @Override
    public SQLXML getSQLXML(String columnLabel) throws SQLException {
        return getSQLXML(findColumn(columnLabel));
    }

    // ---- updates: the result set is read-only

    @Override
    public void updateNull(int columnIndex) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateBoolean(int columnIndex, boolean x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateByte(int columnIndex, byte x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateShort(int columnIndex, short x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateInt(int columnIndex, int x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateLong(int columnIndex, long x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateFloat(int columnIndex, float x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateDouble(int columnIndex, double x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateBigDecimal(int columnIndex, BigDecimal x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateString(int columnIndex, String x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateNString(int columnIndex, String nString) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateBytes(int columnIndex, byte[] x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateDate(int columnIndex, Date x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateTime(int columnIndex, Time x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateTimestamp(int columnIndex, Timestamp x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateAsciiStream(int columnIndex, InputStream x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateAsciiStream(int columnIndex, InputStream x, int length) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateAsciiStream(int columnIndex, InputStream x, long length) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateBinaryStream(int columnIndex, InputStream x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateBinaryStream(int columnIndex, InputStream x, int length) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateBinaryStream(int columnIndex, InputStream x, long length) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateCharacterStream(int columnIndex, Reader x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateCharacterStream(int columnIndex, Reader x, int length) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateCharacterStream(int columnIndex, Reader x, long length) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateNCharacterStream(int columnIndex, Reader x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateNCharacterStream(int columnIndex, Reader x, long length) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateObject(int columnIndex, Object x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateObject(int columnIndex, Object x, int scaleOrLength) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateRef(int columnIndex, Ref x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateBlob(int columnIndex, Blob x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateBlob(int columnIndex, InputStream inputStream) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateBlob(int columnIndex, InputStream inputStream, long length) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateClob(int columnIndex, Clob x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateClob(int columnIndex, Reader reader) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateClob(int columnIndex, Reader reader, long length) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateNClob(int columnIndex, NClob nClob) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateNClob(int columnIndex, Reader reader) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateNClob(int columnIndex, Reader reader, long length) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateArray(int columnIndex, Array x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateRowId(int columnIndex, RowId x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateSQLXML(int columnIndex, SQLXML xmlObject) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateNull(String columnLabel) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateBoolean(String columnLabel, boolean x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateByte(String columnLabel, byte x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateShort(String columnLabel, short x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateInt(String columnLabel, int x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateLong(String columnLabel, long x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateFloat(String columnLabel, float x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateDouble(String columnLabel, double x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateBigDecimal(String columnLabel, BigDecimal x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateString(String columnLabel, String x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateNString(String columnLabel, String nString) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateBytes(String columnLabel, byte[] x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateDate(String columnLabel, Date x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateTime(String columnLabel, Time x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateTimestamp(String columnLabel, Timestamp x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateAsciiStream(String columnLabel, InputStream x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateAsciiStream(String columnLabel, InputStream x, int length) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateAsciiStream(String columnLabel, InputStream x, long length) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateBinaryStream(String columnLabel, InputStream x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateBinaryStream(String columnLabel, InputStream x, int length) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateBinaryStream(String columnLabel, InputStream x, long length) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateCharacterStream(String columnLabel, Reader x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateCharacterStream(String columnLabel, Reader x, int length) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateCharacterStream(String columnLabel, Reader x, long length) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateNCharacterStream(String columnLabel, Reader x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateNCharacterStream(String columnLabel, Reader x, long length) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateObject(String columnLabel, Object x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateObject(String columnLabel, Object x, int scaleOrLength) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateRef(String columnLabel, Ref x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateBlob(String columnLabel, Blob x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateBlob(String columnLabel, InputStream inputStream) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateBlob(String columnLabel, InputStream inputStream, long length) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateClob(String columnLabel, Clob x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateClob(String columnLabel, Reader reader) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateClob(String columnLabel, Reader reader, long length) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateNClob(String columnLabel, NClob nClob) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateNClob(String columnLabel, Reader reader) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateNClob(String columnLabel, Reader reader, long length) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateArray(String columnLabel, Array x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateRowId(String columnLabel, RowId x) throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateSQLXML(String columnLabel, SQLXML xmlObject) throws SQLException {
        throw readOnly();
    }

    @Override
    public void insertRow() throws SQLException {
        throw readOnly();
    }

    @Override
    public void updateRow() throws SQLException {
        throw readOnly();
    }

    @Override
    public void deleteRow() throws SQLException {
        throw readOnly();
    }

    @Override
    public void refreshRow() throws SQLException {
        throw readOnly();
    }

    @Override
    public void cancelRowUpdates() throws SQLException {
        throw readOnly();
    }

    @Override
    public void moveToInsertRow() throws SQLException {
        throw readOnly();
    }

    @Override
    public void moveToCurrentRow() throws SQLException {
        throw readOnly();
    }

    // ---- wrapper

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("stub result set does not wrap " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "StubResultSet[connection=" + statement.connectionId() + ", rows=" + rows + ", row=" + row
                + ", closed=" + closed + "]";
    }

    // ---- private

    /** Throws 24000 when closed, else what the statement's {@code checkOpen} throws. */
    private void checkOpen() throws SQLException {
        if (closed) {
            throw StubErrors.resultSetClosed(statement.connectionId());
        }
        statement.checkOpen();
    }

    /** @return the value of the only column in the current row, the row number */
    private int value(int columnIndex) throws SQLException {
        checkOpen();
        if (columnIndex != 1) {
            throw StubErrors.invalidIndex("column", columnIndex);
        }
        if (row < 1 || row > rows) {
            throw StubErrors.cursor("the cursor is not on a row");
        }
        return row;
    }

    private static Object convert(int value, Class<?> type) throws SQLException {
        if (type == Integer.class || type == Number.class || type == Object.class) {
            return value;
        } else if (type == Long.class) {
            return (long) value;
        } else if (type == Short.class) {
            return (short) value;
        } else if (type == Byte.class) {
            return (byte) value;
        } else if (type == Double.class) {
            return (double) value;
        } else if (type == Float.class) {
            return (float) value;
        } else if (type == BigDecimal.class) {
            return BigDecimal.valueOf(value);
        } else if (type == String.class) {
            return Integer.toString(value);
        } else if (type == Boolean.class) {
            return value != 0;
        }
        throw StubErrors.notSupported("conversion of INTEGER to " + type.getName());
    }

    private SQLException forwardOnly(String method) throws SQLException {
        checkOpen();
        return StubErrors.cursor(method + " is not allowed on a TYPE_FORWARD_ONLY result set");
    }

    private SQLException readOnly() throws SQLException {
        checkOpen();
        return StubErrors.notSupported("updates of a CONCUR_READ_ONLY result set");
    }
}
