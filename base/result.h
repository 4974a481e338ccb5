// Status and Result<T>: how every layer reports a failure caused by outside input.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace pumpcds {

/// A closed set of failure kinds with abseil's meanings; server/ maps them to HTTP in one place.
enum class StatusCode {
  Ok,
  InvalidArgument,    // the caller sent something malformed or invalid
  NotFound,           // the named thing does not exist (unknown service id, file)
  FailedPrecondition, // the request is well formed but cannot be served as it stands
  Unavailable,        // a dependency could not be reached; retrying may help
  DeadlineExceeded,   // a dependency did not answer in time
  Unauthenticated,    // the caller did not prove who it is (no, or an unacceptable, token)
  Internal,           // a bug: an invariant of ours was broken
};

/// [[nodiscard]]: a Status (or Result) that is dropped is a compile error; PUMPCDS_RETURN_IF_ERROR passes
/// one up.
class [[nodiscard]] Status {
public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  [[nodiscard]] bool isOk() const { return code_ == StatusCode::Ok; }
  [[nodiscard]] StatusCode code() const { return code_; }
  [[nodiscard]] const std::string& message() const { return message_; }

private:
  StatusCode code_ = StatusCode::Ok;
  std::string message_;
};

inline Status invalidArgument(std::string message) {
  return {StatusCode::InvalidArgument, std::move(message)};
}
inline Status notFound(std::string message) {
  return {StatusCode::NotFound, std::move(message)};
}
/// The message is for the server's log: the client is told nothing of which check failed.
inline Status unauthenticated(std::string message) {
  return {StatusCode::Unauthenticated, std::move(message)};
}
inline Status internalError(std::string message) {
  return {StatusCode::Internal, std::move(message)};
}

/// A value or the Status saying why there is none, shaped like absl::StatusOr<T>.
template <typename T> class [[nodiscard]] Result {
public:
  Result(T value) : state_(std::move(value)) {}       // NOLINT(google-explicit-constructor)
  Result(Status status) : state_(std::move(status)) { // NOLINT(google-explicit-constructor)
    assert(!std::get<Status>(state_).isOk() && "a Result holding a Status must hold a failure");
  }

  [[nodiscard]] bool isOk() const { return std::holds_alternative<T>(state_); }
  [[nodiscard]] const T& value() const& { return std::get<T>(state_); }
  [[nodiscard]] T& value() & { return std::get<T>(state_); }
  [[nodiscard]] T&& value() && { return std::get<T>(std::move(state_)); }
  /// The failure, or an Ok status when a value is held.
  [[nodiscard]] Status status() const { return isOk() ? Status() : std::get<Status>(state_); }

private:
  std::variant<T, Status> state_;
};

inline const Status& statusOf(const Status& status) {
  return status;
}
template <typename T> Status statusOf(const Result<T>& result) {
  return result.status();
}

} // namespace pumpcds

// Returns the failure of a Status- or Result-valued expression from the enclosing function.
#define PUMPCDS_RETURN_IF_ERROR(expr)                                                                        \
  do {                                                                                                       \
    if (::pumpcds::Status pumpcds_status_ = ::pumpcds::statusOf(expr); !pumpcds_status_.isOk()) {            \
      return pumpcds_status_;                                                                                \
    }                                                                                                        \
  } while (false)

// NOLINTBEGIN(bugprone-macro-parentheses): the arguments are a declaration and a fresh name, not expressions.
#define PUMPCDS_CONCAT_INNER(a, b) a##b
#define PUMPCDS_CONCAT(a, b) PUMPCDS_CONCAT_INNER(a, b)
// `lhs = value of expr`, or returns its failure: PUMPCDS_ASSIGN_OR_RETURN(auto port, parsePort(text));
#define PUMPCDS_ASSIGN_OR_RETURN(lhs, expr)                                                                  \
  PUMPCDS_ASSIGN_OR_RETURN_IMPL(PUMPCDS_CONCAT(pumpcds_result_, __LINE__), lhs, expr)
#define PUMPCDS_ASSIGN_OR_RETURN_IMPL(result, lhs, expr)                                                     \
  auto result = (expr);                                                                                      \
  if (!result.isOk()) {                                                                                      \
    return result.status();                                                                                  \
  }                                                                                                          \
  lhs = std::move(result).value()
// NOLINTEND(bugprone-macro-parentheses)
