package io.freightwatch.collect.odoo;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Wraps a JDBC connection and records every statement the server runs through it, including the
 * BEGIN that pgjdbc sends before the first statement after {@code setAutoCommit(false)} and the
 * ROLLBACK or COMMIT that ends the transaction.
 */
final class StatementCounter {

  private final List<String> statements = new ArrayList<>();

  /** Returns a connection that records its statements here and delegates to {@code target}. */
  Connection wrap(Connection target) {
    return proxy(Connection.class, target, new ConnectionHandler(target));
  }

  List<String> statements() {
    return List.copyOf(statements);
  }

  void clear() {
    statements.clear();
  }

  private static <T> T proxy(Class<T> type, Object target, InvocationHandler handler) {
    return type.cast(
        Proxy.newProxyInstance(
            StatementCounter.class.getClassLoader(), new Class<?>[] {type}, handler));
  }

  private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private final class ConnectionHandler implements InvocationHandler {

    private final Connection target;
    private boolean beginPending;
    private boolean inTransaction;

    ConnectionHandler(Connection target) {
      this.target = target;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      String name = method.getName();
      if (name.equals("setAutoCommit")) {
        beginPending = !(Boolean) args[0];
        if ((Boolean) args[0]) {
          endTransaction("COMMIT");
        }
      } else if (name.equals("rollback") || name.equals("commit")) {
        endTransaction(name.toUpperCase(Locale.ROOT));
      }
      Object result = StatementCounter.invoke(target, method, args);
      if (name.equals("prepareStatement")) {
        return proxy(PreparedStatement.class, result, new StatementHandler(this, result, (String) args[0]));
      }
      if (name.equals("createStatement")) {
        return proxy(Statement.class, result, new StatementHandler(this, result, null));
      }
      return result;
    }

    // pgjdbc sends COMMIT or ROLLBACK only while a transaction it began is open.
    private void endTransaction(String statement) {
      if (inTransaction) {
        statements.add(statement);
        inTransaction = false;
      }
    }

    void executed(String sql) {
      if (beginPending && !inTransaction) {
        statements.add("BEGIN");
        inTransaction = true;
      }
      statements.add(sql.strip().replaceAll("\\s+", " "));
    }
  }

  private static final class StatementHandler implements InvocationHandler {

    private final ConnectionHandler connection;
    private final Object target;
    private final String preparedSql;

    StatementHandler(ConnectionHandler connection, Object target, String preparedSql) {
      this.connection = connection;
      this.target = target;
      this.preparedSql = preparedSql;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getName().startsWith("execute")) {
        String sql = args != null && args.length > 0 && args[0] instanceof String text
            ? text : preparedSql;
        connection.executed(sql);
      }
      return StatementCounter.invoke(target, method, args);
    }
  }
}
