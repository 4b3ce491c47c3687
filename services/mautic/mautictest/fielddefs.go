package mautictest

// fieldDef is one default contact field of a fresh Mautic 5.1.0 install, as
// captured in shared/mautic/real/02-create-alice.json and 14-get-contact.json.
type fieldDef struct {
	id           int
	label, alias string
	typ, group   string
	fixed        bool
	propsJSON    string  // properties as sent on create (decoded form)
	propsPHP     string  // properties as sent on GET (PHP-serialized)
	defaultValue *string // default_value on GET
}

func sp(s string) *string { return &s }

// fieldDefs in id order (the order of GET, create and DNC answers).
var fieldDefs = []fieldDef{
	{1, "Title", "title", "lookup", "core", true, `{"list":["Mr","Mrs","Miss"]}`, "a:1:{s:4:\"list\";a:3:{i:0;s:2:\"Mr\";i:1;s:3:\"Mrs\";i:2;s:4:\"Miss\";}}", nil},
	{2, "First Name", "firstname", "text", "core", true, `[]`, "a:0:{}", nil},
	{3, "Last Name", "lastname", "text", "core", true, `[]`, "a:0:{}", nil},
	{4, "Primary company", "company", "text", "core", true, `[]`, "a:0:{}", nil},
	{5, "Position", "position", "text", "core", true, `[]`, "a:0:{}", nil},
	{6, "Email", "email", "email", "core", true, `[]`, "a:0:{}", nil},
	{7, "Mobile", "mobile", "tel", "core", true, `[]`, "a:0:{}", nil},
	{8, "Phone", "phone", "tel", "core", true, `[]`, "a:0:{}", nil},
	{9, "Points", "points", "number", "core", true, `[]`, "a:0:{}", sp("0")},
	{10, "Fax", "fax", "tel", "core", false, `[]`, "a:0:{}", nil},
	{11, "Address Line 1", "address1", "text", "core", true, `[]`, "a:0:{}", nil},
	{12, "Address Line 2", "address2", "text", "core", true, `[]`, "a:0:{}", nil},
	{13, "City", "city", "text", "core", true, `[]`, "a:0:{}", nil},
	{14, "State", "state", "region", "core", true, `[]`, "a:0:{}", nil},
	{15, "Zip Code", "zipcode", "text", "core", true, `[]`, "a:0:{}", nil},
	{16, "Country", "country", "country", "core", true, `[]`, "a:0:{}", nil},
	{17, "Preferred Locale", "preferred_locale", "locale", "core", true, `[]`, "a:0:{}", nil},
	{18, "Preferred Timezone", "timezone", "timezone", "core", true, `[]`, "a:0:{}", nil},
	{19, "Date Last Active", "last_active", "datetime", "core", true, `[]`, "a:0:{}", nil},
	{20, "Attribution Date", "attribution_date", "datetime", "core", true, `[]`, "a:0:{}", nil},
	{21, "Attribution", "attribution", "number", "core", true, `{"roundmode":4,"scale":2}`, "a:2:{s:9:\"roundmode\";i:4;s:5:\"scale\";i:2;}", nil},
	{22, "Website", "website", "url", "core", false, `[]`, "a:0:{}", nil},
	{23, "Facebook", "facebook", "text", "social", false, `[]`, "a:0:{}", nil},
	{24, "Foursquare", "foursquare", "text", "social", false, `[]`, "a:0:{}", nil},
	{25, "Instagram", "instagram", "text", "social", false, `[]`, "a:0:{}", nil},
	{26, "mautic.lead.field.linkedin", "linkedin", "text", "social", false, `[]`, "a:0:{}", nil},
	{27, "Skype", "skype", "text", "social", false, `[]`, "a:0:{}", nil},
	{28, "Twitter", "twitter", "text", "social", false, `[]`, "a:0:{}", nil},
}

// listOrder is the field order of list/search answers (the leads table's
// column order), which differs from the GET order.
var listOrder = []string{
	"points", "last_active", "title", "firstname", "lastname", "company", "position", "email", "phone", "mobile",
	"address1", "address2", "city", "state", "zipcode", "timezone", "country", "fax", "preferred_locale",
	"attribution_date", "attribution", "website",
	"facebook", "foursquare", "instagram", "linkedin", "skype", "twitter",
}

// fieldGroups is the order of the groups inside "fields".
var fieldGroups = []string{"core", "social", "personal", "professional"}
