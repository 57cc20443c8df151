package io.farcall.bench.model;

import java.util.List;
import java.util.Objects;

/** One page of a listing, as rpc-benchmark's {@code listUser} returns it. */
public final class Page<T> {
  private int pageNo;
  private int total;
  private List<T> result;

  public int getPageNo() {
    return pageNo;
  }

  public void setPageNo(int pageNo) {
    this.pageNo = pageNo;
  }

  public int getTotal() {
    return total;
  }

  public void setTotal(int total) {
    this.total = total;
  }

  public List<T> getResult() {
    return result;
  }

  public void setResult(List<T> result) {
    this.result = result;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Page<?> p
        && pageNo == p.pageNo
        && total == p.total
        && Objects.equals(result, p.result);
  }

  @Override
  public int hashCode() {
    return pageNo;
  }
}
