package acme.shapes;

import java.util.List;

/** Not remote itself: PartRepo binds its type variable. */
public interface Repo<T> {
  void save(T item);

  T find(long id);

  List<T> all();
}
