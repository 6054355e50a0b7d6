// Pure retry decisions: status classification, backoff, Retry-After.
#include "retry.hpp"
#include "test_framework.hpp"

using namespace lumen::retry;
using std::chrono::milliseconds;

TEST(classifies_statuses_per_contract) {
  CHECK(classify(200) == Outcome::Delivered);
  CHECK(classify(202) == Outcome::Delivered);
  for (int s : {0, 408, 429, 500, 502, 503, 504}) CHECK(classify(s) == Outcome::Retry);
  CHECK(classify(413) == Outcome::Split);
  for (int s : {400, 401, 403, 404, 415, 422, 301}) CHECK(classify(s) == Outcome::Drop);
}

TEST(backoff_grows_exponentially_and_caps) {
  lumen::RetryPolicy p;
  p.initial_backoff = milliseconds(100);
  p.max_backoff = milliseconds(1000);
  p.multiplier = 2;
  p.jitter = 0;
  CHECK_EQ(backoff_delay(p, 1, 0.7).count(), 100);
  CHECK_EQ(backoff_delay(p, 2, 0.7).count(), 200);
  CHECK_EQ(backoff_delay(p, 3, 0.7).count(), 400);
  CHECK_EQ(backoff_delay(p, 4, 0.7).count(), 800);
  CHECK_EQ(backoff_delay(p, 5, 0.7).count(), 1000);
  CHECK_EQ(backoff_delay(p, 500, 0.7).count(), 1000);  // no overflow
}

TEST(jitter_stays_within_bounds_and_varies) {
  lumen::RetryPolicy p;
  p.initial_backoff = milliseconds(1000);
  p.max_backoff = milliseconds(60000);
  p.jitter = 0.2;
  CHECK_EQ(backoff_delay(p, 1, 0.0).count(), 800);
  CHECK_EQ(backoff_delay(p, 1, 0.5).count(), 1000);
  CHECK_EQ(backoff_delay(p, 1, 1.0).count(), 1200);
  CHECK(backoff_delay(p, 1, 0.1) != backoff_delay(p, 1, 0.9));
  p.initial_backoff = milliseconds(60000);  // jitter never exceeds the cap
  CHECK(backoff_delay(p, 1, 1.0).count() <= 60000);
}

TEST(parses_retry_after_seconds_only) {
  CHECK(parse_retry_after("120") == milliseconds(120000));
  CHECK(parse_retry_after(" 3 ") == milliseconds(3000));
  CHECK(parse_retry_after("0") == milliseconds(0));
  CHECK(!parse_retry_after(""));
  CHECK(!parse_retry_after("-1"));
  CHECK(!parse_retry_after("1.5"));
  CHECK(!parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"));
}

TEST(retry_after_honoured_for_429_and_503_only) {
  lumen::RetryPolicy p;
  p.initial_backoff = milliseconds(100);
  p.jitter = 0;
  CHECK(next_delay(p, 1, 429, "7", 0.5) == milliseconds(7000));
  CHECK(next_delay(p, 1, 503, "2", 0.5) == milliseconds(2000));
  CHECK(next_delay(p, 1, 500, "7", 0.5) == milliseconds(100));  // not a 429/503
  CHECK(next_delay(p, 1, 503, "soon", 0.5) == milliseconds(100));
  p.max_retry_after = milliseconds(5000);
  CHECK(next_delay(p, 1, 429, "3600", 0.5) == milliseconds(5000));
}

TEST_MAIN()
