package server_test

import (
	"bytes"

	"github.com/mautic-dsar/mautic-dsar/services/server"
)

var packageData = bytes.Repeat([]byte("PK\x03\x04\x00\n\r\xff"), 1000)

func servertestServices() server.Services {
	return server.Services{
		Tenants:  &tenants{},
		Requests: requests{},
		Packages: packages{data: packageData},
	}
}
