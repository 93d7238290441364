package bugzillatest

import (
	"fmt"
	"net/http"
)

// Error is a Bugzilla error as the REST API reports it:
// {"error":true,"code":N,"message":...,"documentation":...} with an HTTP status.
// The seeding methods that act as a user (SetBugFlags, SetAttachmentFlags)
// return it when Bugzilla would refuse the same change.
type Error struct {
	Status  int    // HTTP status, derived from Code as Bugzilla does
	Code    int    // Bugzilla error code, e.g. 102 "bug not visible"
	Message string // Bugzilla's message text
}

func (e *Error) Error() string {
	return fmt.Sprintf("bugzillatest: %d (HTTP %d): %s", e.Code, e.Status, e.Message)
}

// Bugzilla error codes the fake produces (Bugzilla/WebService/Constants.pm).
const (
	codeParamRequired        = 50    // param_required, comment_required
	codeObjectDoesNotExist   = 51    // unknown flag type name, flag id or user
	codeIllegalDate          = 56    // illegal_date
	codeInvalidBugID         = 100   // improper_bug_id_field_value
	codeBugNotFound          = 101   // bug_id_does_not_exist
	codeBugAccessDenied      = 102   // bug_access_denied, bug_access_query
	codeInvalidComponent     = 105   // product_unknown_component
	codeInvalidProduct       = 106   // product_access_denied
	codeRequireSummary       = 107   // require_summary
	codeInvalidFieldName     = 108   // invalid_field_name
	codeCommentIsPrivate     = 110   // comment_is_private
	codeCommentIDInvalid     = 111   // comment_id_invalid
	codeUserNotInsider       = 113   // user_not_insider
	codeCommentTooLong       = 114   // comment_too_long
	codeGroupRestriction     = 120   // group_restriction_not_allowed
	codeCommentTagInvalid    = 126   // comment_tag_invalid
	codeCommentTagTooLong    = 127   // comment_tag_too_long
	codeCommentTagTooShort   = 128   // comment_tag_too_short
	codeFlagStatusInvalid    = 129   // flag_status_invalid
	codeFlagUpdateDenied     = 130   // flag_update_denied
	codeFlagRequesteeOff     = 131   // flag_type_requestee_disabled
	codeFlagNotUnique        = 132   // flag_not_unique
	codeFlagTypeNotUnique    = 133   // flag_type_not_unique
	codeLoginFailed          = 300   // invalid_login_or_password
	codeAuthFailure          = 304   // auth_failure (private attachment)
	codeAPIKeyInvalid        = 306   // api_key_not_valid
	codeLoginRequired        = 410   // login_required
	codeInvalidUsername      = 504   // invalid_username
	codeUserAccessByID       = 505   // user_access_by_id_denied
	codeFileNotSpecified     = 603   // file_not_specified
	codeMissingAttachDesc    = 604   // missing_attachment_description
	codeZeroLengthFile       = 606   // zero_length_file
	codeTransient            = 32000 // ERROR_UNKNOWN_TRANSIENT: every user error without a code
	codeUnknownResource      = 32614 // rest_invalid_resource (also a wrong HTTP method)
	codeInvalidContentType   = 601   // invalid_content_type
	codeParamMustBeNumeric   = 52    // param_must_be_numeric
	codeParamScalarArrayReqd = 58    // param_scalar_array_required
)

// statusForCode is REST_STATUS_CODE_MAP from Bugzilla/WebService/Constants.pm:
// the few codes listed there get 401 or 404, every other code 400.
func statusForCode(code int) int {
	switch code {
	case 51, 101, 32614:
		return http.StatusNotFound
	case 102, 106, 109, 110, 113, 115, 120, 300, 301, 302, 303, 304, 410, 504, 505:
		return http.StatusUnauthorized
	default:
		return http.StatusBadRequest
	}
}

// bzErr builds an *Error with the HTTP status Bugzilla would use for code.
func bzErr(code int, format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Status: statusForCode(code), Code: code, Message: msg}
}

// Messages copied from the recordings (fixtures/bugzilla-5) where one exists,
// otherwise from Bugzilla's templates.

func errLoginRequired() *Error {
	return bzErr(codeLoginRequired, "You must log in before using this part of Bugzilla.")
}

func errBadAPIKey() *Error {
	return bzErr(codeAPIKeyInvalid, "The API key you specified is invalid. Please check that you typed it correctly.")
}

func errBugNotFound(id int) *Error {
	return bzErr(codeBugNotFound, "Bug #%d does not exist.", id)
}

func errBugNotVisible(id int, anonymous bool) *Error {
	if anonymous {
		return bzErr(codeBugAccessDenied, "You are not authorized to access bug #%d. To see this bug, you must first log in to an account with the appropriate permissions.", id)
	}
	return bzErr(codeBugAccessDenied, "You are not authorized to access bug #%d.", id)
}

func errInvalidBugID(s string) *Error {
	return bzErr(codeInvalidBugID, "'%s' is not a valid bug number nor an alias to a bug.", s)
}

func errUnknownResource(method, path string) *Error {
	return bzErr(codeUnknownResource, "A REST API resource was not found for '%s %s'.", method, path)
}

func errNoSuchUser(login string) *Error {
	return bzErr(codeObjectDoesNotExist, "There is no user named '%s'. Either you mis-typed the name or that user has not yet registered for a Bugzilla account.", login)
}

func errParamRequired(function, param string) *Error {
	if function == "" {
		return bzErr(codeParamRequired, "The function requires a %s argument, and that argument was not set.", param)
	}
	return bzErr(codeParamRequired, "The function %s requires a %s argument, and that argument was not set.", function, param)
}

func errNotInsider() *Error {
	return bzErr(codeUserNotInsider, "Sorry, but you are not allowed to (un)mark comments or attachments as private.")
}

func errAttachmentDenied(id int) *Error {
	return bzErr(codeAuthFailure, "Sorry, you are not authorized to access attachment #%d.", id)
}

func errIllegalDate(s string) *Error {
	return bzErr(codeIllegalDate, "'%s' is not a legal date.", s)
}

func errBadJSON(detail, body string) *Error {
	return bzErr(codeTransient, "Could not parse the 'params' argument as valid JSON. Error: %s Value: %s", detail, body)
}

// errUnsupported is the fake's own refusal of a real Bugzilla parameter it
// does not model: a loud error instead of a silently wrong answer.
func errUnsupported(what string) *Error {
	return bzErr(codeTransient, "bugzillatest: %s is not supported by this fake Bugzilla", what)
}
