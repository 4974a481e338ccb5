// PatientRecord: the resources gathered for one hook call, and which resource types were actually read.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fhir/resource.h"

namespace pumpcds::fhir {

/// What absence means depends on what was read: a type is "read" when a complete search for it (a
/// prefetch searchset, or a null prefetch key naming it) was seen. Resources may be present for a type
/// that was not read (e.g. one page of a paged search), and then they count as evidence but their
/// absence proves nothing.
class PatientRecord {
public:
  /// Whose record this is (the hook's context.patientId). From then on a resource about another patient
  /// (subject, patient or beneficiary naming someone else, or a Patient of another id) is never evidence:
  /// add() drops it, counts it, and issues() says so.
  void setPatient(std::string patient_id) { patient_id_ = std::move(patient_id); }
  /// Adds a resource; a second copy with the same type and id replaces nothing and is dropped. Beyond
  /// kMostPerType resources of one type the rest are dropped and the type can no longer count as read.
  void add(Resource resource);
  /// More of one type than any real record holds (Synthea's oldest patients have a few thousand
  /// Observations): the cap keeps a hostile request's cost bounded.
  static constexpr size_t kMostPerType = 10000;
  /// A complete search for `type` was seen: absence of a resource of it now proves something.
  void markRead(const std::string& type);
  /// `type` could not be read (the EHR sent an error, the FHIR server failed, the search was cut).
  /// The latest reason is kept, and said by issues() for as long as the type is not read.
  void markUnreadable(const std::string& type, std::string reason);

  [[nodiscard]] bool wasRead(std::string_view type) const { return read_.find(type) != read_.end(); }
  /// A search or read of `type` failed and nothing completed it: what it would show is unknown, not absent.
  [[nodiscard]] bool couldNotRead(std::string_view type) const {
    return !wasRead(type) && unreadable_.find(type) != unreadable_.end();
  }
  [[nodiscard]] const std::set<std::string, std::less<>>& readTypes() const { return read_; }
  /// Every resource of `type`, in the order added.
  [[nodiscard]] const std::vector<Resource>& ofType(std::string_view type) const;
  /// The resource named by a reference ("Type/id", absolute URLs and urn:uuid fullUrls included).
  [[nodiscard]] const Resource* find(std::string_view reference) const;
  [[nodiscard]] size_t size() const;

  /// Problems met while gathering the record (an OperationOutcome under a key, a paged search), said
  /// to the user so that a `missing` can be explained.
  void addIssue(std::string issue) { issues_.push_back(std::move(issue)); }
  /// The issues added, then why each type that is still not read could not be read.
  [[nodiscard]] std::vector<std::string> issues() const;
  /// The same, but of the types not read only those in `types` (what a policy reads): a paged search of
  /// data the policy never looks at is no problem for its answer.
  [[nodiscard]] std::vector<std::string> issuesFor(const std::vector<std::string>& types) const;

  /// Gives medications named by reference (medicationReference to a Medication in the record, as a
  /// search's _include or a fetch brings it) the Medication's code and text, and dates a Condition whose
  /// onset is an age (onsetAge) from the patient's birth date.
  void resolveReferences();
  /// References the rules need that the record cannot resolve: Medications of medication resources and
  /// payor Organizations of Coverages, as relative "Type/id" references, sorted, without duplicates.
  [[nodiscard]] std::vector<std::string> unresolvedReferences() const;

private:
  [[nodiscard]] bool aboutAnotherPatient(const Resource& resource) const;

  struct Position {
    std::string type;
    size_t index = 0;
  };
  [[nodiscard]] const Resource* at(const Position& position) const;

  std::map<std::string, std::vector<Resource>, std::less<>> by_type_;
  std::map<std::string, Position, std::less<>> by_reference_; ///< "Type/id" -> where, so find() is a lookup
  std::map<std::string, Position, std::less<>> by_id_;        ///< id -> the first of that id (urn:uuid)
  std::set<std::string, std::less<>> overflowed_;             ///< types cut at kMostPerType
  std::set<std::string, std::less<>> read_;
  std::map<std::string, std::string, std::less<>> unreadable_;
  std::string patient_id_;
  std::map<std::string, int, std::less<>> other_patients_; ///< resources dropped per type
  std::vector<std::string> issues_;
};

} // namespace pumpcds::fhir
